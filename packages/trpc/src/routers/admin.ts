/** Admin-only: users, API tokens, settings changes and the audit log. */
import {
  type ApiTokenRecord,
  countActiveAdmins,
  deleteUserSessions,
  findApiToken,
  findUser,
  listApiTokens,
  listAudit,
  listUsers,
  revokeApiToken,
  updateUser,
  writeSettings,
} from '@medpro/db';
import { validateMetricSettings } from '@medpro/metrics';
import { z } from 'zod';
import { audit } from '../audit.ts';
import { createApiToken, createUser, PASSWORD_MAX_LENGTH } from '../auth/accounts.ts';
import { ROLES } from '../context.ts';
import { AppError } from '../errors.ts';
import { day, limit, page, paginate, pagination } from '../schemas.ts';
import {
  DISPLAY_LOCALES,
  isTimeZone,
  readDisplaySettings,
  readStoredSettings,
  type StoredSettings,
} from '../settings.ts';
import { adminProcedure, router, viewerProcedure } from '../trpc.ts';
import { email, toUserOutput, userOutput } from './auth.ts';

const role = z.enum(ROLES);
const id = z.number().int().positive();

/** `https://shop.example.com` (scheme, host, optional port; no path). */
const origin = z
  .string()
  .trim()
  .max(255)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  }, 'Expected an origin such as https://shop.example.com (no path, no trailing slash)');

async function refuseLosingLastAdmin(userId: number, db: Parameters<typeof countActiveAdmins>[0]) {
  const user = await findUser(db, userId);
  if (user?.role === 'admin' && !user.disabledAt && (await countActiveAdmins(db)) <= 1) {
    throw new AppError('CONFLICT', 'At least one active admin must remain');
  }
}

const tokenOutput = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['api', 'embed']),
  role,
  prefix: z.string().describe('The first characters of the token, to recognise it'),
  allowedOrigins: z.array(z.string()),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
  createdAt: z.date().nullable(),
  active: z.boolean(),
});

function toTokenOutput(t: ApiTokenRecord, now: Date): z.infer<typeof tokenOutput> {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind === 'embed' ? 'embed' : 'api',
    role: role.catch('viewer').parse(t.role),
    prefix: t.tokenPrefix,
    allowedOrigins: t.allowedOrigins,
    expiresAt: t.expiresAt,
    revokedAt: t.revokedAt,
    lastUsedAt: t.lastUsedAt,
    createdAt: t.createdAt,
    active: !t.revokedAt && !(t.expiresAt && t.expiresAt <= now),
  };
}

/** ISO 4217 codes in use (the runtime's list), so a typo such as "REA" is refused, not stored. */
const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

const metricSettingsShape = {
  reportingCurrency: z
    .string()
    .trim()
    .transform((c) => c.toUpperCase())
    .refine((c) => ISO_CURRENCIES.has(c), 'Expected an ISO 4217 currency code such as BRL or USD'),
  rates: z
    .record(
      z.string(),
      z
        .string()
        .regex(/^\d{1,12}(\.\d{1,4})?$/, 'Expected a positive decimal string with at most 4 decimals'),
    )
    // Checked here rather than as the record's key schema, so the issue names the code.
    .superRefine((rates, c) => {
      for (const code of Object.keys(rates))
        if (!ISO_CURRENCIES.has(code.toUpperCase()))
          c.addIssue({
            code: 'custom',
            path: [code],
            message: 'Expected an ISO 4217 currency code such as USD',
          });
    })
    .transform((rates) =>
      Object.fromEntries(Object.entries(rates).map(([code, r]) => [code.toUpperCase(), r])),
    )
    .describe('Units of the reporting currency per unit of each currency'),
  pastDueChurnAfterDays: z.number().int().min(0).max(3650).nullable().describe('null: past_due never churns'),
  discountMode: z.enum(['none', 'forever', 'recurring', 'all']),
  cancelAtPeriodEndMode: z.enum(['period_end', 'immediately']),
};

const displayOutput = z.object({
  locale: z.enum(DISPLAY_LOCALES).describe('How money, numbers and dates are written'),
  timeZone: z.string().describe('IANA time zone of timestamps; calendar days stay UTC days'),
});

const displayInput = z
  .object({
    locale: z.enum(DISPLAY_LOCALES),
    timeZone: z.string().trim().refine(isTimeZone, 'Expected an IANA time zone such as America/Sao_Paulo'),
  })
  .strict();

const settingsOutput = z.object({
  metrics: z.object({
    reportingCurrency: z.string(),
    rates: z.record(z.string(), z.string()),
    pastDueChurnAfterDays: z.number().int().nullable(),
    discountMode: z.string(),
    cancelAtPeriodEndMode: z.string(),
  }),
  metricsIssues: z
    .array(z.string())
    .describe('Problems with the stored metric rules (defaults apply meanwhile)'),
  metricsVersion: z.object({
    version: z.number().int().describe('Bumped on every change; the worker recomputes history when it moves'),
    changedAt: z.string().nullable(),
    changedBy: z.string().nullable(),
  }),
  widgets: z.object({ allowedOrigins: z.array(z.string()) }),
  display: displayOutput,
  updatedAt: z.date().nullable(),
  updatedBy: z.string().nullable(),
});

function toSettingsOutput(s: StoredSettings): z.infer<typeof settingsOutput> {
  return {
    metrics: { ...s.metrics, rates: { ...s.metrics.rates } },
    metricsIssues: s.metricsIssues,
    metricsVersion: s.metricsVersion,
    widgets: { allowedOrigins: s.widgetOrigins },
    display: s.display,
    updatedAt: s.updatedAt,
    updatedBy: s.updatedBy,
  };
}

const usersRouter = router({
  list: adminProcedure
    .input(z.object({}).strict().default({}))
    .output(z.object({ users: z.array(userOutput) }))
    .query(async ({ ctx }) => ({ users: (await listUsers(ctx.db)).map(toUserOutput) })),

  create: adminProcedure
    .input(
      z.object({
        email,
        name: z.string().trim().min(1).max(255).optional(),
        role,
        password: z
          .string()
          .max(PASSWORD_MAX_LENGTH)
          .optional()
          .describe('Generated and returned once when absent'),
      }),
    )
    .output(
      z.object({
        user: userOutput,
        generatedPassword: z.string().nullable().describe('Shown once; hand it to the user'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { user, generatedPassword } = await createUser(ctx.db, input, ctx.now());
      await audit(ctx, 'users.create', user.email, { role: user.role });
      return { user: toUserOutput(user), generatedPassword };
    }),

  setRole: adminProcedure
    .input(z.object({ id, role }))
    .output(z.object({ user: userOutput }))
    .mutation(async ({ ctx, input }) => {
      const user = await findUser(ctx.db, input.id);
      if (!user) throw new AppError('NOT_FOUND', `No user #${input.id}`);
      if (input.role !== 'admin') await refuseLosingLastAdmin(input.id, ctx.db);
      await updateUser(ctx.db, input.id, { role: input.role }, ctx.now());
      await audit(ctx, 'users.set_role', user.email, { from: user.role, to: input.role });
      return { user: toUserOutput((await findUser(ctx.db, input.id))!) };
    }),

  setDisabled: adminProcedure
    .input(z.object({ id, disabled: z.boolean() }))
    .output(z.object({ user: userOutput }))
    .mutation(async ({ ctx, input }) => {
      const user = await findUser(ctx.db, input.id);
      if (!user) throw new AppError('NOT_FOUND', `No user #${input.id}`);
      if (input.disabled) await refuseLosingLastAdmin(input.id, ctx.db);
      const now = ctx.now();
      await updateUser(
        ctx.db,
        input.id,
        { disabledAt: input.disabled ? (user.disabledAt ?? now) : null },
        now,
      );
      if (input.disabled) await deleteUserSessions(ctx.db, input.id);
      await audit(ctx, input.disabled ? 'users.disable' : 'users.enable', user.email);
      return { user: toUserOutput((await findUser(ctx.db, input.id))!) };
    }),
});

const tokensRouter = router({
  list: adminProcedure
    .input(z.object({}).strict().default({}))
    .output(z.object({ tokens: z.array(tokenOutput) }))
    .query(async ({ ctx }) => {
      const now = ctx.now();
      return { tokens: (await listApiTokens(ctx.db)).map((t) => toTokenOutput(t, now)) };
    }),

  create: adminProcedure
    .input(
      z
        .object({
          name: z.string().trim().min(1).max(100),
          kind: z.enum(['api', 'embed']).default('api'),
          role: role.default('viewer').describe('Embed tokens are always viewer'),
          allowedOrigins: z
            .array(origin)
            .max(20)
            .default([])
            .describe('Embed tokens: pages allowed to use it'),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
        })
        .superRefine((v, c) => {
          if (v.kind === 'embed') {
            if (!v.allowedOrigins.length)
              c.addIssue({
                code: 'custom',
                path: ['allowedOrigins'],
                message: 'Embed tokens need allowed origins',
              });
            if (v.expiresInDays === undefined || v.expiresInDays > 365)
              c.addIssue({
                code: 'custom',
                path: ['expiresInDays'],
                message: 'Embed tokens expire within 365 days',
              });
          } else if (v.allowedOrigins.length) {
            c.addIssue({
              code: 'custom',
              path: ['allowedOrigins'],
              message: 'Only embed tokens have origins',
            });
          }
        }),
    )
    .output(
      z.object({ token: tokenOutput, secret: z.string().describe('The token: shown once, never again') }),
    )
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      if (input.kind === 'embed') {
        const allowed = (await readStoredSettings(ctx.db)).widgetOrigins;
        const missing = input.allowedOrigins.filter((o) => !allowed.includes(o));
        if (missing.length) {
          throw new AppError('BAD_REQUEST', 'Origins not allowed for widgets', {
            allowedOrigins: [`Add ${missing.join(', ')} to the widget origins in the settings first`],
          });
        }
      }
      const { token, secret } = await createApiToken(
        ctx.db,
        {
          name: input.name,
          kind: input.kind,
          role: input.role,
          allowedOrigins: input.allowedOrigins,
          expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
          createdByUserId:
            ctx.principal.type === 'user' ? ctx.principal.userId : ctx.principal.createdByUserId,
        },
        now,
      );
      await audit(ctx, 'tokens.create', `token:${token.id}`, {
        name: token.name,
        kind: token.kind,
        role: token.role,
      });
      return { token: toTokenOutput(token, now), secret };
    }),

  revoke: adminProcedure
    .input(z.object({ id }))
    .output(z.object({ token: tokenOutput }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const token = await findApiToken(ctx.db, input.id);
      if (!token) throw new AppError('NOT_FOUND', `No token #${input.id}`);
      if (!(await revokeApiToken(ctx.db, input.id, now))) {
        throw new AppError('CONFLICT', `Token #${input.id} is already revoked`);
      }
      await audit(ctx, 'tokens.revoke', `token:${token.id}`, { name: token.name });
      return { token: toTokenOutput((await findApiToken(ctx.db, input.id))!, now) };
    }),
});

const settingsRouter = router({
  get: viewerProcedure
    .input(z.object({}).strict().default({}))
    .output(settingsOutput)
    .query(async ({ ctx }) => toSettingsOutput(await readStoredSettings(ctx.db))),

  /** The display setting alone, read by the admin app on every page. */
  display: viewerProcedure
    .input(z.object({}).strict().default({}))
    .output(displayOutput)
    .query(async ({ ctx }) => readDisplaySettings(ctx.db)),

  /** Changing the metric rules bumps `metric_settings_version`, which makes the worker recompute history. */
  update: adminProcedure
    .input(
      z
        .object({
          metrics: z.object(metricSettingsShape).partial().strict().optional(),
          widgets: z
            .object({ allowedOrigins: z.array(origin).max(50) })
            .strict()
            .optional(),
          display: displayInput.optional(),
        })
        .strict(),
    )
    .output(settingsOutput)
    .mutation(async ({ ctx, input }) => {
      const current = await readStoredSettings(ctx.db);
      let metrics: unknown;
      if (input.metrics) {
        // Rates are units of the reporting currency: a new reporting currency needs new rates for
        // every currency converted so far, or history would be recomputed with stale ones.
        const to = input.metrics.reportingCurrency ?? current.metrics.reportingCurrency;
        const given = input.metrics.rates;
        if (to !== current.metrics.reportingCurrency) {
          const missing = Object.keys(current.metrics.rates).filter(
            (code) => code !== to && given?.[code] === undefined,
          );
          if (missing.length)
            throw new AppError('BAD_REQUEST', 'Invalid metric settings', {
              'metrics.rates': [`Missing rates into ${to} for ${missing.join(', ')}`],
            });
        }
        const merged = validateMetricSettings({ ...current.metrics, ...input.metrics });
        if (!merged.ok)
          throw new AppError('BAD_REQUEST', 'Invalid metric settings', { metrics: merged.issues });
        if (JSON.stringify(merged.value) !== JSON.stringify(current.metrics)) metrics = merged.value;
      }
      const widgets = input.widgets
        ? { allowedOrigins: [...new Set(input.widgets.allowedOrigins)] }
        : undefined;
      const display = input.display;
      const by = ctx.principal.type === 'user' ? ctx.principal.email : `token:${ctx.principal.name}`;
      await writeSettings(
        ctx.db,
        { ...(metrics ? { metrics } : {}), ...(widgets ? { widgets } : {}), ...(display ? { display } : {}) },
        by,
        ctx.now(),
      );
      const after = await readStoredSettings(ctx.db);
      await audit(ctx, 'settings.update', null, {
        ...(metrics ? { metrics, metricsVersion: after.metricsVersion.version } : {}),
        ...(widgets ? { widgets } : {}),
        ...(display ? { display } : {}),
      });
      return toSettingsOutput(after);
    }),
});

const auditRouter = router({
  list: adminProcedure
    .input(
      z
        .object({
          page,
          limit: limit(50),
          action: z
            .array(z.string().regex(/^[a-z_.]+$/, 'Expected an action such as auth.sign_in'))
            .max(20)
            .optional(),
          actor: z.string().trim().min(1).max(255).optional().describe('Matched anywhere in the actor'),
          target: z.string().trim().min(1).max(255).optional(),
          from: day.optional(),
          to: day.optional().describe('Inclusive'),
        })
        .default({ page: 1, limit: 50 }),
    )
    .output(
      z.object({
        entries: z.array(
          z.object({
            id: z.number().int(),
            createdAt: z.date(),
            actor: z.string(),
            actorUserId: z.number().int().nullable(),
            action: z.string(),
            target: z.string().nullable(),
            details: z.record(z.string(), z.unknown()).nullable(),
            ip: z.string().nullable(),
            userAgent: z.string().nullable(),
          }),
        ),
        ...pagination,
      }),
    )
    .query(async ({ ctx, input }) => {
      const { items, total } = await listAudit(ctx.db, {
        page: input.page,
        limit: input.limit,
        ...(input.action ? { actions: input.action } : {}),
        ...(input.actor ? { actor: input.actor } : {}),
        ...(input.target ? { target: input.target } : {}),
        ...(input.from ? { from: new Date(`${input.from}T00:00:00Z`) } : {}),
        ...(input.to ? { to: new Date(Date.parse(`${input.to}T00:00:00Z`) + 86_400_000) } : {}),
      });
      return { entries: items, ...paginate(total, input) };
    }),
});

export const adminRouter = router({
  users: usersRouter,
  tokens: tokensRouter,
  settings: settingsRouter,
  audit: auditRouter,
});
