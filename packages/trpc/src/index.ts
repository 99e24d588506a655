export { AppError, type AppErrorCode, HTTP_STATUS } from './errors.ts';
export { type AppRouter, appRouter, createCaller } from './root.ts';
export type { Context } from './trpc.ts';
