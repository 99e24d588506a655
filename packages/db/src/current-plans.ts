/**
 * `customer_current_plans`: the products and prices each customer is on now. A subscription in
 * a live status counts with its items (not deleted) and with the plan's own product/price
 * columns (rows from before subscription_items existed hold only those).
 */
import type { Sequelize, Transaction } from 'sequelize';

/** Subscription statuses that still bill or will: "on a product" means one of these. */
export const LIVE_SUBSCRIPTION_STATUSES = [
  'active',
  'past_due',
  'trialing',
  'unpaid',
  'paused',
  'incomplete',
];

/**
 * Recomputes the rows of these customers (Stripe ids), or of every customer with `'all'`.
 * Runs inside the caller's transaction, so readers see the old set or the new one.
 */
export async function refreshCurrentPlans(
  sequelize: Sequelize,
  customers: readonly string[] | 'all',
  transaction?: Transaction,
): Promise<void> {
  if (customers !== 'all' && !customers.length) return;
  const only = customers === 'all' ? '' : 'AND s.stripe_customer_id IN (:ids)';
  const replacements = { ids: customers === 'all' ? [] : [...customers], live: LIVE_SUBSCRIPTION_STATUSES };
  await sequelize.query(
    customers === 'all'
      ? 'DELETE FROM customer_current_plans'
      : 'DELETE FROM customer_current_plans WHERE customer_id IN (SELECT id FROM customers WHERE stripe_customer_id IN (:ids))',
    { replacements, transaction },
  );
  await sequelize.query(
    `INSERT INTO customer_current_plans (customer_id, stripe_product_id, stripe_price_id)
     SELECT c.id, p.product, p.price
     FROM (SELECT s.stripe_customer_id AS customer, s.stripe_product_id AS product, s.stripe_price_id AS price
             FROM customer_subscriptions s
             WHERE s.status IN (:live) ${only}
               AND (s.stripe_product_id IS NOT NULL OR s.stripe_price_id IS NOT NULL)
           UNION
           SELECT s.stripe_customer_id, i.stripe_product_id, i.stripe_price_id
             FROM customer_subscriptions s
             JOIN subscription_items i ON i.stripe_subscription_id = s.stripe_subscription_id AND i.deleted = 0
             WHERE s.status IN (:live) ${only}) p
     JOIN customers c ON c.stripe_customer_id = p.customer`,
    { replacements, transaction },
  );
}
