import { adminRouter } from './routers/admin.ts';
import { analyticsRouter } from './routers/analytics.ts';
import { authRouter } from './routers/auth.ts';
import { customersRouter } from './routers/customers.ts';
import { syncRouter } from './routers/sync.ts';
import { widgetsRouter } from './routers/widgets.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  customers: customersRouter,
  analytics: analyticsRouter,
  sync: syncRouter,
  widgets: widgetsRouter,
  auth: authRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
