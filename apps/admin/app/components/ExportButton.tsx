import { useFormat } from '@medpro/widgets';
import { useRef, useState } from 'react';
import { createCsvRowCounter } from '~/lib/csv-rows';

type State =
  | { kind: 'idle' }
  | { kind: 'running'; rows: number; bytes: number; total: number }
  | { kind: 'done'; rows: number }
  | { kind: 'error'; message: string };

/**
 * Streams the CSV export with fetch + ReadableStream, counting rows and bytes against the
 * expected total as they arrive, then saves the file. Cancelable; errors are shown, not lost.
 */
export function ExportButton({ href, total, filename }: { href: string; total: number; filename: string }) {
  const [state, setState] = useState<State>({ kind: 'idle' });
  const f = useFormat();
  const abort = useRef<AbortController | null>(null);

  async function run() {
    const controller = new AbortController();
    abort.current = controller;
    setState({ kind: 'running', rows: 0, bytes: 0, total });
    try {
      const response = await fetch(href, { signal: controller.signal, headers: { Accept: 'text/csv' } });
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        throw new Error(text.slice(0, 200) || `HTTP ${response.status}`);
      }
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      const counter = createCsvRowCounter();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        counter.push(value);
        setState({ kind: 'running', rows: counter.rows, bytes, total });
      }
      const rows = counter.rows;
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ kind: 'done', rows });
    } catch (error) {
      if (controller.signal.aborted) setState({ kind: 'idle' });
      else setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
    } finally {
      abort.current = null;
    }
  }

  return (
    <span className="export">
      {state.kind === 'running' ? (
        <>
          <progress
            className="progress"
            style={{ width: '8rem' }}
            max={Math.max(1, state.total)}
            value={Math.min(state.rows, state.total)}
            aria-label="Progresso da exportação"
          />
          <span className="small muted" aria-live="polite">
            {f.number(state.rows)} de {f.number(state.total)} linhas ·{' '}
            {f.number(Math.round(state.bytes / 1024))} KB
          </span>
          <button type="button" className="secondary" onClick={() => abort.current?.abort()}>
            Cancelar
          </button>
        </>
      ) : (
        <button type="button" className="secondary" onClick={run} disabled={total === 0}>
          Exportar CSV
        </button>
      )}
      {state.kind === 'done' ? (
        <span className="small muted" role="status">
          {f.number(state.rows)} linhas exportadas
        </span>
      ) : null}
      {state.kind === 'error' ? (
        <span className="small field-error" role="alert">
          Falha na exportação: {state.message}
        </span>
      ) : null}
    </span>
  );
}
