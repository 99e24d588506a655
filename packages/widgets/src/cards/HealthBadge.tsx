export type HealthBand = 'good' | 'warning' | 'at_risk';

export const HEALTH_BAND_LABELS: Record<HealthBand, string> = {
  good: 'Saudável',
  warning: 'Atenção',
  at_risk: 'Em risco',
};

/** The plan's bands: ≥ 80 good, 50–79 warning, < 50 at risk. */
export function healthBand(score: number): HealthBand {
  if (score >= 80) return 'good';
  if (score >= 50) return 'warning';
  return 'at_risk';
}

/** A health score with its band, in text as well as colour. */
export function HealthBadge({ score }: { score: number | null }) {
  if (score === null)
    return (
      <span className="mp-badge mp-badge--none" part="badge">
        Sem pontuação
      </span>
    );
  const band = healthBand(score);
  return (
    <span className={`mp-badge mp-badge--${band}`} part="badge" data-band={band}>
      <span className="mp-badge__score">{score}</span>
      <span className="mp-sr-only"> de 100,</span> <span>{HEALTH_BAND_LABELS[band]}</span>
    </span>
  );
}
