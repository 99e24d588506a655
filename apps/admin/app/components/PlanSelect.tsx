import type { PlanOption } from '@medpro/db';
import { type Formatter, useFormat } from '@medpro/widgets';
import { billingInterval } from '~/lib/labels';

export interface ProductWithPlans {
  stripeProductId: string;
  name: string | null;
  plans: PlanOption[];
}

/** A plan by its nickname, else its amount: "Clínica 10 — R$ 350,00 por mês". */
export function planLabel(plan: PlanOption, f: Formatter): string {
  const amount =
    plan.unitAmount === null
      ? `escalonado ${billingInterval(plan.interval, plan.intervalCount)}`
      : `${f.money(plan.unitAmount, plan.currency)} ${billingInterval(plan.interval, plan.intervalCount)}`;
  return plan.nickname ? `${plan.nickname} — ${amount}` : amount;
}

/** "Produto — plano" for a price id, or the id when no product lists it. */
export function planName(products: readonly ProductWithPlans[], id: string, f: Formatter): string {
  for (const p of products) {
    const plan = p.plans.find((x) => x.stripePriceId === id);
    if (plan) return `${p.name ?? p.stripeProductId} — ${planLabel(plan, f)}`;
  }
  return id;
}

/** The "Plano" field of a filter form (`price`): recurring prices grouped by product. */
export function PlanSelect({
  products,
  value,
}: {
  products: readonly ProductWithPlans[];
  value: string | undefined;
}) {
  const f = useFormat();
  return (
    <div className="field">
      <label htmlFor="price">Plano</label>
      <select id="price" name="price" className="plan-select" defaultValue={value ?? ''}>
        <option value="">Todos</option>
        {products
          .filter((p) => p.plans.length > 0)
          .map((p) => (
            <optgroup key={p.stripeProductId} label={p.name ?? p.stripeProductId}>
              {p.plans.map((plan) => (
                <option key={plan.stripePriceId} value={plan.stripePriceId}>
                  {planLabel(plan, f)}
                  {plan.active ? '' : ' (inativo)'}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
    </div>
  );
}
