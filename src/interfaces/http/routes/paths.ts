export const PATHS = {
  stream: '/api/v1/sso/stream',
  broadcast: '/api/v1/sso/broadcast',
  healthz: '/healthz',
  readyz: '/readyz',
  metrics: '/metrics',
} as const;
