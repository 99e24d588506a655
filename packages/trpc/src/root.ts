import { customersRouter } from './routers/customers.ts';
import { createCallerFactory, router } from './trpc.ts';

export const appRouter = router({
  customers: customersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
