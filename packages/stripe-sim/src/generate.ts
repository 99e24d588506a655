/**
 * Deterministic account generator: plans the life of every customer with its own PRNG stream
 * (seed, customer index) and plays it through the Engine up to the end of `now`.
 */
import {
  CITIES,
  CLINIC_WORDS,
  COUPONS,
  FIRST_NAMES,
  LAST_NAMES,
  MODULES,
  PRICES,
  PRODUCTS,
  SEGMENTS,
  US_NAMES,
} from './catalog.ts';
import { type CardSpec, type Change, Engine, type ItemConfig, type PaymentPlan } from './engine.ts';
import { tagFromSeed } from './ids.ts';
import { AccountData, type GeneratedAccountOptions } from './model.ts';
import { DEFAULT_RATES, type Rates } from './mrr.ts';
import { hashString, Rng } from './prng.ts';
import { addMonths, DAY, HOUR, type Interval, parseDay, todayUtc } from './time.ts';

export interface GenerateOptions {
  /** Number of customers (default 500). */
  customers?: number;
  /** Months of history before `now` (default 24). */
  months?: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /** YYYY-MM-DD, default today's UTC date. */
  now?: string;
  /** Exchange rates into BRL, default DEFAULT_RATES. */
  rates?: Rates;
  /**
   * Last instant simulated (unix seconds). The whole timeline is shifted back so the account ends
   * there instead of at the end of `now`. Default: the end of `now` when `now` is given; when it is
   * not, 00:00:00 UTC today, so a default account never holds objects dated in the future and is
   * the same all day long.
   */
  until?: number;
}

export function resolveOptions(o: GenerateOptions): GeneratedAccountOptions {
  const customers = o.customers ?? 500;
  const months = o.months ?? 24;
  const seed = o.seed ?? 42;
  const now = o.now ?? todayUtc();
  if (!Number.isInteger(customers) || customers < 0)
    throw new RangeError('customers must be an integer >= 0');
  if (!Number.isInteger(months) || months < 1 || months > 240)
    throw new RangeError('months must be an integer in 1..240');
  if (!Number.isInteger(seed)) throw new RangeError('seed must be an integer');
  const day = parseDay(now);
  if (day === null) throw new RangeError(`now must be a date YYYY-MM-DD, got ${JSON.stringify(now)}`);
  const endOfNow = day + DAY - 1;
  const until = o.until ?? (o.now === undefined ? day : endOfNow);
  if (!Number.isInteger(until)) throw new RangeError('until must be an integer unix timestamp');
  return {
    customers,
    months,
    seed,
    now,
    rates: { ...(o.rates ?? DEFAULT_RATES) },
    shift: Math.max(0, endOfNow - until),
  };
}

/** Generates the account data (records, tables, events) for the given options. */
export function generateData(input: GenerateOptions): AccountData {
  const opts = resolveOptions(input);
  // the plan is made for the end of `now`; `shift` moves the whole timeline back (see `until`)
  const nowDay = parseDay(opts.now) ?? 0;
  const nowTs = nowDay + DAY - 1 - opts.shift;
  const firstDay = addMonths(nowDay, -opts.months) - opts.shift;
  const d = new AccountData(opts, tagFromSeed(hashString(`tag:${opts.seed}`)), firstDay, nowTs);
  const engine = new Engine(d, nowTs);
  const cat = buildCatalog(engine, opts.seed);
  // rough sizes (from measured accounts) so the columns grow once instead of doubling repeatedly
  const customerMonths = opts.customers * opts.months;
  d.invoices.reserve(Math.ceil(customerMonths * 0.28) + 1024);
  d.lines.reserve(Math.ceil(customerMonths * 0.62) + 1024);
  d.charges.reserve(Math.ceil(customerMonths * 0.28) + 1024);
  d.events.reserve(opts.customers * 4 + 1024);
  for (let c = 0; c < opts.customers; c++) simulateCustomer(engine, cat, new Rng(opts.seed, c, 0x5eed), c);
  sortEvents(d);
  for (const t of [d.invoices, d.lines, d.charges, d.events]) t.trim();
  return d;
}

// ------------------------------------------------------------------ catalog

export interface Catalog {
  price: Map<string, number>;
  productCreated: Map<string, number>;
  legacyArchivedAt: number;
  whatsappFrom: number;
  coupons: number[];
}

function buildCatalog(engine: Engine, seed: number): Catalog {
  const d = engine.d;
  const accountStart = d.firstDay - 30 * DAY + 9 * HOUR;
  const nowDay = d.nowTs + 1 - DAY;
  const rng = new Rng(seed, 0xca7a109);
  const at = (offset: number | undefined) =>
    offset !== undefined && offset < 0
      ? nowDay + offset * DAY + 10 * HOUR
      : accountStart + (offset ?? 0) * DAY;
  const productIdx = new Map<string, number>();
  const productCreated = new Map<string, number>();
  for (const def of PRODUCTS) {
    const idx = d.products.length;
    const created = at(def.createdOffsetDays) + rng.int(0, 600);
    if (created > d.nowTs) continue;
    const descriptions: [number, string][] = [[created, def.description]];
    if (def.key === 'ia') {
      const upd = nowDay - 5 * DAY + 15 * HOUR;
      if (upd > created)
        descriptions.push([upd, `${def.description} — agora com resumo automático de exames`]);
    }
    d.products.push({
      idx,
      id: d.ids.product.id(idx),
      name: def.name,
      created,
      descriptions,
      unitLabel: def.unitLabel ?? null,
      metadata: { ...(def.metadata ?? {}), catalog_key: def.key },
    });
    productIdx.set(def.key, idx);
    productCreated.set(def.key, created);
    engine.emit(created, 'product.created', idx);
    const upd = descriptions[1];
    if (upd) engine.emit(upd[0], 'product.updated', idx);
  }
  const price = new Map<string, number>();
  let legacyArchivedAt = Number.POSITIVE_INFINITY;
  for (const def of PRICES) {
    const product = productIdx.get(def.product);
    if (product === undefined) continue;
    const created = Math.max(
      at(def.createdOffsetDays) + rng.int(600, 1200),
      productCreated.get(def.product) ?? 0,
    );
    if (created > d.nowTs) continue;
    const idx = d.prices.length;
    let archivedAt: number | null = null;
    if (def.archivedAfterDays !== undefined)
      archivedAt = d.firstDay + def.archivedAfterDays * DAY + 11 * HOUR;
    if (def.archivedDaysBeforeNow !== undefined)
      archivedAt = nowDay - def.archivedDaysBeforeNow * DAY + 16 * HOUR;
    const archived = archivedAt !== null && archivedAt <= d.nowTs && archivedAt > created ? archivedAt : null;
    if (archived !== null && def.archivedAfterDays !== undefined) legacyArchivedAt = archived;
    d.prices.push({
      idx,
      id: d.ids.price.id(idx),
      product,
      currency: def.currency,
      unitAmount: def.unitAmount,
      tiers: def.tiers ?? null,
      tiersMode: def.tiersMode ?? null,
      usageType: def.usageType ?? 'licensed',
      interval: def.interval,
      intervalCount: def.intervalCount ?? 1,
      created,
      archivedAt: archived,
      nickname: def.nickname ?? null,
      lookupKey: def.key,
      meter: def.usageType === 'metered' ? `mtr_${d.ids.product.tag}sms` : null,
      metadata: {},
    });
    price.set(def.key, idx);
    engine.emit(created, 'price.created', idx);
    if (archived !== null) engine.emit(archived, 'price.updated', idx);
  }
  const coupons: number[] = [];
  for (const def of COUPONS) {
    const idx = d.coupons.length;
    d.coupons.push({
      idx,
      id: def.id,
      name: def.name,
      percentOff: def.percentOff ?? null,
      amountOff: def.amountOff ?? null,
      currency: def.currency ?? null,
      duration: def.duration,
      durationInMonths: def.durationInMonths ?? null,
      created: accountStart + rng.int(0, 5 * DAY),
    });
    d.couponById.set(def.id, idx);
    coupons.push(idx);
  }
  const whatsappFrom = price.has('whatsapp_m')
    ? (d.prices[price.get('whatsapp_m') ?? 0]?.created ?? 0)
    : Infinity;
  return { price, productCreated, legacyArchivedAt, whatsappFrom, coupons };
}

// ---------------------------------------------------------------- customers

const BRANDS = [
  ['visa', 55],
  ['mastercard', 35],
  ['amex', 6],
  ['diners', 2],
  ['discover', 2],
] as const;

export function card(rng: Rng, nowTs: number, usd: boolean): CardSpec {
  const now = new Date(nowTs * 1000);
  const soon = rng.chance(0.1);
  const base = now.getUTCFullYear() * 12 + now.getUTCMonth() + (soon ? rng.int(0, 2) : rng.int(3, 60));
  return {
    brand: rng.weighted(BRANDS),
    last4: String(rng.int(0, 9999)).padStart(4, '0'),
    expMonth: (base % 12) + 1,
    expYear: Math.floor(base / 12),
    funding: rng.chance(0.85) ? 'credit' : 'debit',
    country: usd ? 'US' : 'BR',
  };
}

export const PT_BR: readonly string[] = Object.freeze(['pt-BR']);
export const EN_US: readonly string[] = Object.freeze(['en-US']);

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

const LONG_NOTE =
  'Cliente migrado do sistema anterior; contrato assinado em papel. Observações: atendimento em três unidades, ' +
  'faturamento centralizado na matriz, contato financeiro prefere e-mail, não ligar antes das 10h. ' +
  'Histórico: solicitou desconto na renovação, aprovado pela diretoria comercial conforme política vigente. '.repeat(
    4,
  );

export function customerIdentity(rng: Rng, c: number, usd: boolean) {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  let name: string | null;
  if (usd) name = rng.pick(US_NAMES);
  else if (rng.chance(0.35)) name = `Dr${rng.chance(0.5) ? 'a' : ''}. ${first} ${last}`;
  else name = `${rng.pick(CLINIC_WORDS)} ${last}`;
  if (c % 50 === 7) name = '<b>Clínica</b> Negrito & Cia';
  if (c % 50 === 8) name = '<script>alert(1)</script> Consultório';
  if (c % 50 === 9) name = 'Clínica São João — Dr. Müller';
  if (c % 50 === 10)
    name = `Centro de Diagnóstico por Imagem e Medicina Integrada ${last} ${rng.pick(LAST_NAMES)} Ltda. ME`;
  const email =
    c % 25 === 6
      ? null
      : `${slug(name ?? first).slice(0, 24)}.${c}@${usd ? 'example.com' : 'clinica.com.br'}`;
  if (c % 20 === 5) name = null;
  const ddd = rng.int(11, 99);
  const phone = rng.chance(0.7) ? `+55 ${ddd} 9${rng.int(1000, 9999)}-${rng.int(1000, 9999)}` : null;
  const city = rng.pick(CITIES);
  const metadata: Record<string, string> = {
    segment: rng.pick(SEGMENTS),
    clinic_size: rng.weighted([
      ['1-5', 50],
      ['6-10', 30],
      ['11-20', 15],
      ['20+', 5],
    ] as const),
    city: city[0],
    state: city[1],
  };
  if (rng.chance(0.3)) metadata.crm = `CRM-${city[1]} ${rng.int(10000, 199999)}`;
  if (c % 40 === 11) metadata.notes = LONG_NOTE.slice(0, 500);
  if (rng.chance(0.1)) metadata.origem = rng.pick(['indicacao', 'google_ads', 'congresso', 'instagram']);
  const description = rng.chance(0.2) ? `Cliente ${metadata.segment} — ${city[0]}/${city[1]}` : null;
  let prefix = '';
  for (let i = 0; i < 8; i++) prefix += 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'.charAt(rng.int(0, 31));
  return { name, email, phone, metadata, description, prefix };
}

function simulateCustomer(engine: Engine, cat: Catalog, rng: Rng, c: number): void {
  const d = engine.d;
  const span = d.nowTs - d.firstDay;
  const created = d.firstDay + Math.floor(span * rng.next() ** 0.7);
  const usd = rng.chance(0.04);
  const enterprise = !usd && (c % 150 === 3 || rng.chance(0.004));
  const id = customerIdentity(rng, c, usd);
  const cust = engine.createCustomer({
    created,
    name: id.name,
    email: id.email,
    phone: id.phone,
    description: id.description,
    metadata: id.metadata,
    locales: usd ? EN_US : PT_BR,
    invoicePrefix: id.prefix,
  });
  const never = !enterprise && rng.chance(0.12);
  let lastEnd = created;
  let alive = false;
  if (never) {
    if (rng.chance(0.2))
      engine.attachPaymentMethod(cust, created + rng.int(60, 7200), card(rng, d.nowTs, usd));
  } else {
    let t = created + (rng.chance(0.6) ? rng.int(60, 3600) : rng.int(1, 20) * DAY + rng.int(0, DAY));
    for (let n = 0; n < 3 && t <= d.nowTs; n++) {
      const end = simulateSubscription(engine, cat, rng, cust, t, usd, enterprise && n === 0);
      if (end === null) {
        alive = true;
        break;
      }
      lastEnd = end;
      if (!rng.chance(0.2)) break;
      t = end + rng.int(30, 240) * DAY + rng.int(0, DAY);
    }
  }
  // a few customers change cards
  const pms = engine.cust(cust).paymentMethods;
  if (pms.length > 0 && rng.chance(0.08)) {
    const from = d.paymentMethods[pms[0] ?? 0]?.created ?? created;
    const ts = from + rng.int(10, 400) * DAY;
    if (ts <= d.nowTs) engine.attachPaymentMethod(cust, ts, card(rng, d.nowTs, usd));
  }
  // refunds of some successful charges
  const ch = d.charges;
  for (const i of engine.customerCharges(cust)) {
    if (ch.succeeded.data[i] !== 1 || !rng.chance(0.015)) continue;
    const amount = ch.amount.data[i] ?? 0;
    const ts = (ch.created.data[i] ?? 0) + rng.int(1, 20) * DAY + rng.int(0, DAY);
    const full = rng.chance(0.6);
    const part = full ? amount : Math.max(1, Math.floor((amount * rng.int(10, 90)) / 100));
    engine.refund(i, ts, part, full ? 'requested_by_customer' : null);
  }
  if (!alive && rng.chance(0.08)) {
    const ts = lastEnd + rng.int(1, 90) * DAY + rng.int(0, DAY);
    if (ts <= d.nowTs) engine.deleteCustomer(cust, ts);
  }
}

function priceKeySuffix(interval: Interval, count: number): string {
  if (interval === 'year') return 'y';
  return count === 3 ? 'q' : 'm';
}

export function choosePlan(
  rng: Rng,
  cat: Catalog,
  usd: boolean,
  enterprise: boolean,
  t: number,
): ItemConfig[] {
  const p = (key: string) => {
    const v = cat.price.get(key);
    if (v === undefined) throw new Error(`missing price ${key}`);
    return v;
  };
  if (usd) {
    const plan = rng.weighted([
      ['usd_clinica5_m', 50],
      ['usd_clinica5_y', 12],
      ['usd_clinica10_m', 28],
      ['usd_clinica20_m', 10],
    ] as const);
    const items: ItemConfig[] = [{ price: p(plan), qty: 1 }];
    if (plan.endsWith('_m') && rng.chance(0.25)) items.push({ price: p('usd_seat_m'), qty: rng.int(1, 4) });
    if (plan.endsWith('_m') && rng.chance(0.2)) items.push({ price: p('usd_ia_m'), qty: 1 });
    return items;
  }
  if (enterprise) {
    const items: ItemConfig[] = [{ price: p('clinica20_m'), qty: 1 }];
    const n = rng.int(9, MODULES.length);
    for (const m of MODULES.slice(0, n)) items.push({ price: p(`${m}_m`), qty: 1 });
    items.push({ price: p('seat_m'), qty: rng.int(5, 40) });
    items.push(
      { price: p('ia_m'), qty: 1 },
      { price: p('storage_m'), qty: rng.int(1, 5) },
      { price: p('sms_m'), qty: 1 },
    );
    return items;
  }
  const kind = rng.weighted([
    ['clinica5', 44],
    ['clinica10', 31],
    ['clinica20', 16],
    ['rede', 6],
  ] as const);
  if (kind === 'rede') {
    const items: ItemConfig[] = [{ price: p('rede_m'), qty: rng.int(2, 30) }];
    if (rng.chance(0.4)) items.push({ price: p('ia_m'), qty: 1 });
    if (rng.chance(0.4)) items.push({ price: p('sms_m'), qty: 1 });
    return items;
  }
  let interval: Interval = 'month';
  let count = 1;
  const r = rng.next();
  if (r < 0.17) interval = 'year';
  else if (r < 0.22 && kind === 'clinica10') count = 3;
  const sfx = priceKeySuffix(interval, count);
  let plan = `${kind}_${sfx}`;
  if (plan === 'clinica5_m' && t < cat.legacyArchivedAt && rng.chance(0.5)) plan = 'clinica5_legacy_m';
  const items: ItemConfig[] = [{ price: p(plan), qty: 1 }];
  if (rng.chance(0.25)) items.push({ price: p(`seat_${sfx}`), qty: rng.int(1, 8) });
  if (rng.chance(0.2)) items.push({ price: p(`ia_${sfx}`), qty: 1 });
  if (rng.chance(0.15)) items.push({ price: p(`storage_${sfx}`), qty: rng.int(1, 3) });
  if (sfx === 'm') {
    if (rng.chance(0.2)) items.push({ price: p('sms_m'), qty: 1 });
    if (rng.chance(0.1)) {
      const start = rng.int(0, MODULES.length - 3);
      for (const m of MODULES.slice(start, start + rng.int(1, 3))) items.push({ price: p(`${m}_m`), qty: 1 });
    }
    if (t >= cat.whatsappFrom && rng.chance(0.3)) items.push({ price: p('whatsapp_m'), qty: 1 });
  }
  return items;
}

export function paymentPlan(rng: Rng): PaymentPlan {
  if (!rng.chance(0.04)) return { failures: 0, final: 'paid' };
  return rng.weighted<PaymentPlan>([
    [{ failures: rng.int(1, 3), final: 'paid' }, 70],
    [{ failures: 4, final: 'cancel' }, 20],
    [{ failures: 4, final: 'unpaid' }, 10],
  ]);
}

/** Plays one subscription from `t`; returns the day it stopped counting, or null if still alive at `now`. */
function simulateSubscription(
  engine: Engine,
  cat: Catalog,
  rng: Rng,
  c: number,
  t: number,
  usd: boolean,
  enterprise: boolean,
): number | null {
  const d = engine.d;
  const items = choosePlan(rng, cat, usd, enterprise, t);
  const trial = !enterprise && rng.chance(usd ? 0.15 : 0.3) ? 14 : 0;
  const convert = trial === 0 || rng.chance(0.72);
  const eligible = cat.coupons.filter((i) => {
    const cp = d.coupons[i];
    return (
      cp !== undefined && cp.created <= t && (cp.currency === null || cp.currency === (usd ? 'usd' : 'brl'))
    );
  });
  const coupon = rng.chance(0.25) && eligible.length > 0 ? rng.pick(eligible) : -1;
  const firstFails = trial === 0 && !enterprise && rng.chance(0.03);
  const cust = engine.cust(c);
  const hasPm = () => cust.defaultPm.length > 0;
  if ((trial === 0 || rng.chance(0.4)) && !hasPm()) {
    engine.attachPaymentMethod(c, Math.max(cust.created, t - rng.int(5, 120)), card(rng, d.nowTs, usd));
  }
  const s = engine.createSubscription(c, t, {
    items,
    trialDays: trial,
    coupon,
    metadata: rng.chance(0.3) ? { source: rng.pick(['site', 'vendas', 'parceiro']) } : {},
    firstPaymentFails: firstFails,
  });
  const sub = engine.sub(s);
  if (firstFails) return sub.endedAt ?? t;
  let k = 1;
  if (trial > 0) {
    const trialEnd = sub.trialEnd ?? t;
    if (convert && !hasPm()) {
      const ts = t + rng.int(1, trial * DAY - 3600);
      if (ts <= d.nowTs) engine.attachPaymentMethod(c, ts, card(rng, d.nowTs, usd));
    }
    if (trialEnd > d.nowTs) return null;
    if (!engine.endTrial(s, convert)) return sub.endedAt ?? trialEnd;
    if (!engine.renew(s, 0, paymentPlan(rng), 0)) return stoppedAt(engine, s);
  }
  for (;;) {
    const P0 = engine.periodStartOf(sub, k - 1);
    const P1 = engine.periodStartOf(sub, k);
    midPeriod(engine, cat, rng, s, P0, P1);
    if (sub.endedAt !== null) return sub.endedAt;
    if (P1 > d.nowTs) return null;
    if (!engine.renew(s, k, paymentPlan(rng), rng.int(0, 400))) return stoppedAt(engine, s);
    k++;
  }
}

function stoppedAt(engine: Engine, s: number): number | null {
  const sub = engine.sub(s);
  if (sub.endedAt !== null) return sub.endedAt;
  const last = sub.statuses[sub.statuses.length - 1];
  if (last && last[1] === 'unpaid') return last[0];
  return null;
}

/** At most one change within the period [P0, P1): cancellation, upgrade, downgrade, quantity or add-on change. */
function midPeriod(engine: Engine, cat: Catalog, rng: Rng, s: number, P0: number, P1: number): void {
  const d = engine.d;
  const sub = engine.sub(s);
  const months = sub.interval === 'year' ? 12 * sub.intervalCount : sub.intervalCount;
  const ts = P0 + 2 * HOUR + Math.floor(rng.next() * (P1 - P0 - 4 * HOUR));
  const r = rng.next();
  if (ts > d.nowTs || sub.cancelAt !== null || engine.statusAt(sub, ts) !== 'active') return;
  const pChurn = 1 - 0.975 ** months;
  const scale = Math.min(months, 6);
  if (r < pChurn) {
    engine.cancel(s, ts, sub.interval === 'year' ? rng.chance(0.85) : rng.chance(0.6));
    return;
  }
  const change = pickChange(engine, cat, rng, s, ts, r - pChurn, scale);
  if (change.length > 0) engine.changeItems(s, ts, change);
}

const LADDER = ['clinica5', 'clinica10', 'clinica20'];

export function pickChange(
  engine: Engine,
  cat: Catalog,
  rng: Rng,
  s: number,
  ts: number,
  r: number,
  scale: number,
): Change[] {
  const d = engine.d;
  const sub = engine.sub(s);
  const items = engine.itemsAt(sub, ts);
  const keyOf = (p: number) => d.prices[p]?.lookupKey ?? '';
  const sfx = priceKeySuffix(sub.interval, sub.intervalCount);
  const usd = sub.currency === 'usd';
  const find = (key: string) => cat.price.get(key);
  const plan = items.find((x) => /clinica\d+/.test(keyOf(x.price)));
  const rede = items.find((x) => keyOf(x.price) === 'rede_m');
  const seats = items.find((x) => /seat/.test(keyOf(x.price)));
  const pUp = 0.02 * scale;
  const pDown = 0.01 * scale;
  const pQty = 0.03 * scale;
  const pAdd = 0.012 * scale;
  const pRemove = 0.006 * scale;
  if (r < pUp || (r >= pUp && r < pUp + pDown)) {
    const up = r < pUp;
    if (rede)
      return [
        {
          item: rede.item,
          price: rede.price,
          qty: Math.max(1, rede.qty + (up ? rng.int(1, 4) : -rng.int(1, 3))),
        },
      ];
    if (!plan) return [];
    const key = keyOf(plan.price).replace('usd_', '').replace('_legacy', '');
    const level = LADDER.indexOf(key.split('_')[0] ?? '');
    const next = LADDER[level + (up ? 1 : -1)];
    if (!next) return [];
    const np = find(`${usd ? 'usd_' : ''}${next}_${sfx}`);
    if (np === undefined) return [];
    return [{ item: plan.item, price: np, qty: 1 }];
  }
  r -= pUp + pDown;
  if (r < pQty) {
    if (seats) {
      const qty = seats.qty + (rng.chance(0.6) ? rng.int(1, 3) : -rng.int(1, 2));
      return qty <= 0
        ? [{ item: seats.item, remove: true }]
        : [{ item: seats.item, price: seats.price, qty }];
    }
    const sp = find(`${usd ? 'usd_' : ''}seat_${sfx}`);
    return sp === undefined ? [] : [{ item: null, price: sp, qty: rng.int(1, 3) }];
  }
  r -= pQty;
  if (r < pAdd) {
    const have = new Set(items.map((x) => x.price));
    const options = [`ia_${sfx}`, `storage_${sfx}`].map((k) => (usd ? `usd_${k}` : k));
    if (sfx === 'm' && !usd) {
      options.push(...MODULES.map((m) => `${m}_m`));
      if (ts >= cat.whatsappFrom) options.push('whatsapp_m');
    }
    const candidates = options.map(find).filter((p): p is number => p !== undefined && !have.has(p));
    return candidates.length === 0 ? [] : [{ item: null, price: rng.pick(candidates), qty: 1 }];
  }
  r -= pAdd;
  if (r < pRemove) {
    const addons = items.filter((x) => x !== plan && x !== rede && x !== seats);
    return addons.length === 0 ? [] : [{ item: rng.pick(addons).item, remove: true }];
  }
  return [];
}

function sortEvents(d: AccountData): void {
  const ev = d.events;
  const n = ev.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const created = ev.created.data;
  order.sort((a, b) => (created[a] ?? 0) - (created[b] ?? 0) || a - b);
  const c2 = new Uint32Array(n);
  const t2 = new Uint8Array(n);
  const g2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i] ?? 0;
    c2[i] = created[j] ?? 0;
    t2[i] = ev.type.data[j] ?? 0;
    g2[i] = ev.target.data[j] ?? 0;
  }
  ev.created.data.set(c2);
  ev.type.data.set(t2);
  ev.target.data.set(g2);
}

/** Rebuilds the catalog lookups of generated data (live mode). */
export function catalogFromData(d: AccountData): Catalog {
  const price = new Map<string, number>();
  for (const p of d.prices) if (p.lookupKey) price.set(p.lookupKey, p.idx);
  const productCreated = new Map<string, number>();
  for (const p of d.products) productCreated.set(p.metadata.catalog_key ?? p.id, p.created);
  const legacy =
    d.prices.find((p) => p.lookupKey === 'clinica5_legacy_m')?.archivedAt ?? Number.POSITIVE_INFINITY;
  const wa = price.get('whatsapp_m');
  return {
    price,
    productCreated,
    legacyArchivedAt: legacy,
    whatsappFrom: wa === undefined ? Number.POSITIVE_INFINITY : (d.prices[wa]?.created ?? 0),
    coupons: d.coupons.map((c) => c.idx),
  };
}
