import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { CHART_CSS } from '../styles.ts';
import { queryProcedure, WidgetError } from './client.ts';
import { readConfig } from './config.ts';

/**
 * The page around a widget cannot restyle it: `all: initial` cuts inheritance at the host,
 * the shadow root keeps selectors out, and `contain` keeps layout effects inside.
 */
const HOST_CSS = `
:host { all: initial; display: block; contain: content; min-width: 0; }
:host([hidden]) { display: none; }
.mp-root {
  display: block; background: var(--medpro-surface, #fff); border: 1px solid var(--medpro-border, #e5e7eb);
  border-radius: var(--medpro-radius, 8px); padding: var(--medpro-padding, 16px);
}
.mp-state { margin: 0; color: var(--medpro-muted, #6b7280); }
.mp-state--error { color: var(--medpro-bad, #b91c1c); }
.mp-skeleton { height: 64px; border-radius: 4px; background: var(--medpro-border, #e5e7eb); opacity: 0.6; }
`;

export type WidgetState<Data> =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'empty'; message: string }
  | { status: 'ready'; data: Data };

/** A procedure call, or the reason the element's attributes do not make one. */
export type WidgetRequest = { procedure: string; input: unknown } | { invalid: string };

/**
 * A custom element that loads one procedure and renders it with the shared React components
 * inside its shadow root. Re-renders when an observed attribute changes, stops on disconnect.
 * Fires `medpro-ready` or `medpro-error` (composed) after each load.
 */
// Server-side rendering imports this module too (the admin app); there is no HTMLElement there.
const ElementBase = (typeof HTMLElement === 'undefined' ? class {} : HTMLElement) as typeof HTMLElement;

export abstract class MedProElement<Data> extends ElementBase {
  readonly #container: HTMLDivElement;
  #root: Root | null = null;
  #abort: AbortController | null = null;
  #scheduled = false;
  #state: WidgetState<Data> = { status: 'loading' };

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = HOST_CSS + CHART_CSS;
    this.#container = document.createElement('div');
    this.#container.className = 'mp-root';
    this.#container.setAttribute('part', 'root');
    shadow.append(style, this.#container);
  }

  /** The current state: loading, error, empty or ready (with the data). */
  get state(): WidgetState<Data> {
    return this.#state;
  }

  protected abstract request(): WidgetRequest;
  /** The empty-state message when the data has nothing to show, else null. */
  protected abstract emptyMessage(data: Data): string | null;
  protected abstract view(data: Data): ReactNode;
  /** The message for a 404 from the procedure (e.g. an unknown customer). */
  protected notFoundMessage = 'Não encontrado.';

  connectedCallback(): void {
    this.#root ??= createRoot(this.#container);
    this.#schedule();
  }

  disconnectedCallback(): void {
    this.#abort?.abort();
    this.#abort = null;
    const root = this.#root;
    this.#root = null;
    root?.unmount();
  }

  attributeChangedCallback(_name: string, previous: string | null, next: string | null): void {
    if (this.#root && previous !== next) this.#schedule();
  }

  /** Several attributes set together cause one request, not one each. */
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      if (this.#root) void this.#load();
    });
  }

  async #load(): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const request = this.request();
    if ('invalid' in request) return this.#show({ status: 'error', message: request.invalid });
    this.#show({ status: 'loading' });
    try {
      const data = await queryProcedure<Data>(
        readConfig(this),
        request.procedure,
        request.input,
        abort.signal,
      );
      if (abort.signal.aborted) return;
      const empty = this.emptyMessage(data);
      this.#show(empty === null ? { status: 'ready', data } : { status: 'empty', message: empty });
    } catch (error) {
      if (abort.signal.aborted) return;
      const message =
        error instanceof WidgetError
          ? error.status === 404
            ? this.notFoundMessage
            : error.message
          : 'Erro inesperado ao mostrar o widget.';
      this.#show({ status: 'error', message });
    }
  }

  #show(state: WidgetState<Data>): void {
    const root = this.#root;
    if (!root) return;
    this.#state = state;
    this.toggleAttribute('aria-busy', state.status === 'loading');
    // Synchronous, so the DOM is up to date when the event fires.
    flushSync(() => root.render(this.#render(state)));
    if (state.status === 'loading') return;
    this.dispatchEvent(
      new CustomEvent(state.status === 'error' ? 'medpro-error' : 'medpro-ready', {
        bubbles: true,
        composed: true,
        detail: state,
      }),
    );
  }

  #render(state: WidgetState<Data>): ReactNode {
    switch (state.status) {
      case 'loading':
        return (
          <div role="status" part="loading">
            <span className="mp-sr-only">Carregando…</span>
            <div className="mp-skeleton" />
          </div>
        );
      case 'error':
        return (
          <p className="mp-state mp-state--error" role="alert" part="error">
            {state.message}
          </p>
        );
      case 'empty':
        return (
          <p className="mp-state" part="empty">
            {state.message}
          </p>
        );
      case 'ready':
        return this.view(state.data);
    }
  }
}
