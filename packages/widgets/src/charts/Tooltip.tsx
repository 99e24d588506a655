import type { ReactNode } from 'react';

/**
 * The chart tooltip, positioned inside the chart's own box (never portalled to document.body,
 * which would leak out of a widget's shadow root). Announced politely to screen readers.
 */
export function ChartTooltip({ left, top, children }: { left: number; top: number; children: ReactNode }) {
  return (
    <div className="mp-tooltip" role="status" style={{ left, top }}>
      {children}
    </div>
  );
}

/** Keyboard navigation over the points of a chart: arrows, Home and End. */
export function nextIndex(key: string, current: number | null, count: number): number | null {
  if (count === 0) return null;
  const at = current ?? -1;
  switch (key) {
    case 'ArrowRight':
    case 'ArrowDown':
      return Math.min(count - 1, at + 1);
    case 'ArrowLeft':
    case 'ArrowUp':
      return Math.max(0, at < 0 ? count - 1 : at - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return current;
  }
}
