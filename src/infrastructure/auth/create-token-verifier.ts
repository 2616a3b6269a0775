import type { TokenVerifier } from '../../application/ports/token-verifier.port';
import type { Config } from '../config/config';
import { CachingTokenVerifier } from './caching-token-verifier';
import { JwksTokenVerifier, type JwksParts } from './jwks-token-verifier';
import { parseJwtKey } from './jwt-key';
import { StaticKeyTokenVerifier } from './static-key-token-verifier';

type JwtConfig = Pick<Config, 'jwtKey' | 'jwtJwksUrl' | 'jwtIssuer' | 'jwtAudience'>;

/** The verifier JWT_KEY or JWT_JWKS_URL asks for (remembering what verified); undefined when neither is set. */
export function createTokenVerifier(config: JwtConfig, parts: JwksParts): TokenVerifier | undefined {
  const verifier = verifierFor(config, parts);
  return verifier === undefined ? undefined : new CachingTokenVerifier(verifier, parts.clock);
}

function verifierFor(config: JwtConfig, parts: JwksParts): TokenVerifier | undefined {
  const checks = { issuer: config.jwtIssuer, audience: config.jwtAudience };
  if (config.jwtKey !== undefined) {
    const key = parseJwtKey(config.jwtKey);
    // loadConfig refuses a key that does not parse; getting here with one is a bug
    if (!key.ok) throw new Error(`JWT_KEY is invalid: ${key.error.message}`);
    return new StaticKeyTokenVerifier({ key: key.value, ...checks }, parts.clock);
  }
  if (config.jwtJwksUrl !== undefined) return new JwksTokenVerifier({ url: config.jwtJwksUrl, ...checks }, parts);
  return undefined;
}
