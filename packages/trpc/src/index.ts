export {
  checkPassword,
  createApiToken,
  createUser,
  DEMO_ADMIN_EMAIL,
  ensureDemoAdmin,
  PASSWORD_MIN_LENGTH,
} from './auth/accounts.ts';
export { SESSION_COOKIE } from './auth/cookies.ts';
export {
  type Context,
  createContext,
  createRequestContext,
  type Principal,
  ROLES,
  type Role,
} from './context.ts';
export { AppError, type AppErrorCode, HTTP_STATUS } from './errors.ts';
export { handleCustomerExport, handleTrpcRequest } from './http.ts';
export { type ProcedureDef, procedureDefs } from './introspect.ts';
export { openApiDocument } from './rest/openapi.ts';
export { handleRestV1, REST_ROUTES, type RestRoute } from './rest/v1.ts';
export { type AppRouter, appRouter, createCaller } from './root.ts';
export {
  DEFAULT_DISPLAY_SETTINGS,
  DISPLAY_LOCALES,
  type DisplayLocale,
  type DisplaySettings,
} from './settings.ts';
