import { Op, type WhereOptions } from 'sequelize';
import type { Database } from '../connection.ts';
import type { CustomerRow } from '../models.ts';

export interface CustomerListQuery {
  page: number;
  limit: number;
  search?: string;
}

export interface CustomerListItem {
  stripeCustomerId: string;
  email: string | null;
  name: string | null;
  currency: string | null;
  delinquent: boolean;
  createdAt: Date | null;
}

function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Customers newest first, searched over name, email and Stripe id. */
export async function listCustomers(
  db: Database,
  query: CustomerListQuery,
): Promise<{ items: CustomerListItem[]; total: number }> {
  const where: WhereOptions<CustomerRow> = { deleted: false };
  if (query.search) {
    const like = `%${escapeLike(query.search)}%`;
    Object.assign(where, {
      [Op.or]: [
        { name: { [Op.like]: like } },
        { email: { [Op.like]: like } },
        { stripe_customer_id: { [Op.like]: like } },
      ],
    });
  }
  const { rows, count } = await db.models.Customer.findAndCountAll({
    where,
    order: [
      ['stripe_created_at', 'DESC'],
      ['id', 'DESC'],
    ],
    offset: (query.page - 1) * query.limit,
    limit: query.limit,
  });
  return {
    total: count,
    items: rows.map((r) => {
      const c = r.get({ plain: true });
      return {
        stripeCustomerId: c.stripe_customer_id,
        email: c.email || null,
        name: c.name,
        currency: c.currency,
        delinquent: Boolean(c.delinquent),
        createdAt: c.stripe_created_at,
      };
    }),
  };
}
