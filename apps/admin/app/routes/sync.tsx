import { type Formatter, useFormat } from '@medpro/widgets';
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { EmptyState, PageHeader, Pagination, RouteError } from '~/components/ui';
import { readAppError } from '~/lib/app-error.server';
import { formatDuration, phaseLabel, readProgress, runStatus, typeLabel } from '~/lib/sync-progress';
import { callerFor } from '~/lib/trpc.server';

export const meta: MetaFunction = () => [{ title: 'Sincronização · MedPro' }];

const HISTORY_PAGE = 10;

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const page = Math.max(1, Math.floor(Number(url.searchParams.get('page'))) || 1);
  const caller = await callerFor(request);
  const [status, history, webhooks, me] = await Promise.all([
    caller.sync.status({}),
    caller.sync.history({ page, limit: HISTORY_PAGE }),
    caller.sync.webhookHealth({}),
    caller.auth.me({}),
  ]);
  return { status, history, webhooks, canStart: me.role !== 'viewer' };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const kind = form.get('kind') === 'full' ? 'full' : 'incremental';
  const caller = await callerFor(request);
  try {
    const { run } = await caller.sync.start({ kind });
    return {
      ok: true as const,
      message: `Sincronização ${kind === 'full' ? 'completa' : 'incremental'} #${run.id} na fila.`,
    };
  } catch (error) {
    const known = readAppError(error);
    if (known && (known.status === 409 || known.status === 403)) {
      return {
        ok: false as const,
        message:
          known.status === 409
            ? 'Já há uma sincronização em andamento; aguarde ela terminar.'
            : 'Seu papel não permite iniciar sincronizações.',
      };
    }
    throw error;
  }
}

type Status = ReturnType<typeof useLoaderData<typeof loader>>['status'];
type Run = NonNullable<Status['latest']>;

/** The sync status pushed by /sync/events, starting from what the loader saw. */
function useLiveStatus(initial: Status): Status {
  const [status, setStatus] = useState(initial);
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  useEffect(() => setStatus(initial), [initial]);
  useEffect(() => {
    const source = new EventSource('/sync/events');
    let activeId: number | null = null;
    source.addEventListener('status', (event) => {
      const next = JSON.parse((event as MessageEvent<string>).data) as Status;
      setStatus(next);
      // When the run we were watching ends, reload the history and the other panels.
      if (activeId !== null && next.active?.id !== activeId) revalidate.current();
      activeId = next.active?.id ?? null;
    });
    return () => source.close();
  }, []);
  return status;
}

function duration(run: Pick<Run, 'startedAt' | 'finishedAt' | 'heartbeatAt'>): string {
  const end = run.finishedAt ?? run.heartbeatAt;
  if (!end) return '—';
  return formatDuration((new Date(end).getTime() - new Date(run.startedAt).getTime()) / 1000);
}

function dateTime(f: Formatter, value: string | Date | null): string {
  return value ? f.dateTime(value) : '—';
}

function RunProgress({ run }: { run: Run }) {
  const f = useFormat();
  const view = readProgress(run.progress, run.status);
  const percent = view.fraction === null ? null : Math.floor(view.fraction * 100);
  const status = runStatus(run.status);
  return (
    <section className="card section" aria-labelledby="progress-title">
      <h2 id="progress-title">
        Sincronização #{run.id} ({run.kind === 'full' ? 'completa' : run.kind}){' '}
        <span className={`badge ${status.tone}`}>{status.label}</span>
      </h2>
      <div className="progress-row">
        <span>Total</span>
        <progress
          className="progress"
          max={100}
          value={percent ?? undefined}
          aria-label="Progresso da sincronização"
          aria-valuetext={percent === null ? 'calculando' : `${percent}%`}
        />
        <strong data-testid="sync-percent">{percent === null ? '…' : `${percent} %`}</strong>
      </div>
      <p className="small muted" aria-live="polite">
        {view.phase ? `Fase: ${phaseLabel(view.phase)} · ` : ''}
        {f.number(run.objects)} objetos · {f.number(Math.round(view.rate))} obj/s · restante{' '}
        {formatDuration(view.etaSeconds)} · {f.number(run.requests)} chamadas à API
      </p>
      {view.types.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Tipo</th>
                <th scope="col" className="num">
                  Feito
                </th>
                <th scope="col" className="num">
                  Estimado
                </th>
                <th scope="col" className="num hide-narrow">
                  Taxa
                </th>
                <th scope="col" className="num hide-narrow">
                  Restante
                </th>
              </tr>
            </thead>
            <tbody>
              {view.types.map((t) => (
                <tr key={t.type}>
                  <td>{typeLabel(t.type)}</td>
                  <td className="num">{f.number(t.done)}</td>
                  <td className="num">{t.total === null ? '—' : f.number(t.total)}</td>
                  <td className="num hide-narrow">{t.rate === null ? '—' : `${f.number(t.rate)}/s`}</td>
                  <td className="num hide-narrow">{formatDuration(t.etaSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">
          {run.status === 'queued' ? 'Aguardando o worker assumir a execução…' : 'Iniciando…'}
        </p>
      )}
      {view.note ? <p className="small">{view.note}</p> : null}
      {run.error ? (
        <p className="field-error" role="alert">
          {run.error}
        </p>
      ) : null}
    </section>
  );
}

export default function Sync() {
  const { status: initial, history, webhooks, canStart } = useLoaderData<typeof loader>();
  const f = useFormat();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const status = useLiveStatus(initial);
  const shown = status.active ?? status.latest;
  const submitting = navigation.state === 'submitting';

  return (
    <section className="page" aria-busy={navigation.state === 'loading'}>
      <PageHeader title="Sincronização">
        {canStart ? (
          <Form method="post" className="actions">
            <button type="submit" name="kind" value="incremental" disabled={submitting || !!status.active}>
              Sincronização incremental
            </button>
            <button
              type="submit"
              name="kind"
              value="full"
              className="secondary"
              disabled={submitting || !!status.active}
            >
              Sincronização completa
            </button>
          </Form>
        ) : (
          <p className="muted small">Somente analistas e administradores iniciam sincronizações.</p>
        )}
      </PageHeader>
      {result ? (
        <p className={`notice ${result.ok ? '' : 'error'}`} role="status">
          {result.message}
        </p>
      ) : null}

      {shown ? (
        <RunProgress run={shown} />
      ) : (
        <EmptyState title="Nenhuma sincronização ainda">
          <p>Inicie a primeira para trazer clientes, assinaturas e faturas do Stripe.</p>
        </EmptyState>
      )}

      <section className="card section" aria-labelledby="webhooks">
        <h2 id="webhooks">Webhooks</h2>
        <dl className="facts">
          <dt>Último evento recebido</dt>
          <dd>{dateTime(f, webhooks.lastReceivedAt)}</dd>
          <dt>Última consulta a /v1/events</dt>
          <dd>{dateTime(f, webhooks.lastPolledAt)}</dd>
          <dt>Recebidos em 24 h</dt>
          <dd>{f.number(webhooks.receivedLast24h)}</dd>
          <dt>Pendentes</dt>
          <dd>{f.number(webhooks.pending)}</dd>
          <dt>Com falha</dt>
          <dd>
            {webhooks.failing ? (
              <span className="badge risk">{f.number(webhooks.failing)}</span>
            ) : (
              <span className="badge good">0</span>
            )}
          </dd>
          <dt>Assinaturas inválidas</dt>
          <dd>
            {webhooks.signatureFailures ? (
              <>
                <span className="badge risk">{f.number(webhooks.signatureFailures)}</span> última em{' '}
                {dateTime(f, webhooks.lastSignatureFailureAt)}: {webhooks.lastSignatureFailureReason ?? '—'}
              </>
            ) : (
              <span className="badge good">0</span>
            )}
          </dd>
          {webhooks.lastError ? (
            <>
              <dt>Último erro</dt>
              <dd>
                <span className="mono">{webhooks.lastErrorEventId}</span>: {webhooks.lastError}
              </dd>
            </>
          ) : null}
        </dl>
      </section>

      <section className="section" aria-labelledby="history">
        <h2 id="history">Histórico</h2>
        {history.runs.length ? (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Tipo</th>
                  <th scope="col">Status</th>
                  <th scope="col">Início ({f.display.timeZone})</th>
                  <th scope="col" className="num">
                    Duração
                  </th>
                  <th scope="col" className="num">
                    Objetos
                  </th>
                  <th scope="col" className="hide-narrow">
                    Por
                  </th>
                  <th scope="col">Erro</th>
                </tr>
              </thead>
              <tbody>
                {history.runs.map((r) => {
                  const s = runStatus(r.status);
                  return (
                    <tr key={r.id}>
                      <td>{r.id}</td>
                      <td>{r.kind === 'full' ? 'completa' : r.kind}</td>
                      <td>
                        <span className={`badge ${s.tone}`}>{s.label}</span>
                      </td>
                      <td>{dateTime(f, r.startedAt)}</td>
                      <td className="num">{duration(r)}</td>
                      <td className="num">{f.number(r.objects)}</td>
                      <td className="hide-narrow">{r.triggeredBy ?? '—'}</td>
                      <td className="small">{r.error ?? ''}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">Nenhuma execução registrada.</p>
        )}
        {history.total > HISTORY_PAGE ? (
          <Pagination page={history.page} limit={HISTORY_PAGE} total={history.total} />
        ) : null}
      </section>
    </section>
  );
}

export function ErrorBoundary() {
  return <RouteError what="a sincronização" />;
}
