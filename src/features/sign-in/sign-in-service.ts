import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../clock.js';
import { isValidUscc } from '../../domain/uscc.js';
import type { Logger } from '../../logger.js';
import { newSecret, secretHash, type SessionService } from '../sessions/session-service.js';
import { SECRET_PATTERN } from '../sessions/session-cookies.js';
import type { SessionPerson, SessionStore } from '../sessions/sessions-store.js';
import type { StaffMember } from '../staff/staff-store.js';
import type { FlowChecks, IdClaims, RelyingParty } from './relying-party.js';
import { signInErrors, SignInError } from './sign-in-errors.js';

/** Which kind of person signs in. */
export type SignInKind = 'supplier' | 'staff';

/** How long a started sign-in may take before its flow cookie and row are worthless. */
export const FLOW_TTL_MS = 10 * 60_000;

/** Where each kind of person lands when the request names no acceptable place. */
export const DEFAULT_RETURN: Record<SignInKind, string> = { supplier: '/portal', staff: '/console' };

/** A same-origin path under `/portal` or `/console`; printable ASCII without backslash, at most 512 characters. */
const RETURN_TO = /^\/(portal|console)(?:[/?#][\x21-\x5b\x5d-\x7e]*)?$/;

/** `return_to` if it is a path the gateway may send a person back to, else the default for the kind. */
export function safeReturnTo(kind: SignInKind, returnTo: unknown): string {
  return typeof returnTo === 'string' && returnTo.length <= 512 && RETURN_TO.test(returnTo) ? returnTo : DEFAULT_RETURN[kind];
}

/**
 * The checks of a flow, derived from the secret in its cookie: `state`, `nonce` and the PKCE verifier all
 * come from one browser-held secret, so the server stores none of them — only the secret's hash, once.
 */
export function flowChecks(secret: string): FlowChecks {
  const derive = (label: string) => createHmac('sha256', secret).update(`zcd-sign-in-v1:${label}`).digest('base64url');
  return { state: derive('state'), nonce: derive('nonce'), codeVerifier: derive('pkce') };
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The answer of the identity provider at the callback, as it arrived. */
export interface CallbackAnswer {
  /** The full callback URL, with the provider's query. */
  url: URL;
  state: string | undefined;
}

/**
 * Signing people in: starts a flow bound to the browser (a flow cookie whose secret yields `state`, `nonce`
 * and the PKCE verifier; its hash stored, single use), and completes it — the answer checked, the code
 * exchanged, the person identified (an SME by the USCC the cloud vouches for, staff by the registry) — with
 * a new session. Every failure is a {@link SignInError} and creates nothing.
 */
export class SignInService {
  private readonly clock: Clock;

  constructor(
    private readonly deps: {
      providers: Partial<Record<SignInKind, RelyingParty>>;
      store: Pick<SessionStore, 'createFlow' | 'takeFlow'>;
      sessions: SessionService;
      staff: { identify(issuer: string, subject: string): Promise<StaffMember | undefined> };
      logger: Logger;
      clock?: Clock;
    },
  ) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Starts a sign-in: the provider's authorization URL and the flow cookie's secret. */
  async start(kind: SignInKind, returnTo: unknown): Promise<{ redirect: URL; flowSecret: string }> {
    const provider = this.deps.providers[kind];
    if (!provider) throw signInErrors.notConfigured(kind);
    const flowSecret = newSecret();
    const redirect = await this.guard(provider.authorizationUrl(flowChecks(flowSecret)));
    const now = this.clock().getTime();
    await this.deps.store.createFlow(secretHash(flowSecret), { kind, returnTo: safeReturnTo(kind, returnTo), createdAt: now, expiresAt: now + FLOW_TTL_MS });
    return { redirect, flowSecret };
  }

  /**
   * Completes the sign-in of the browser holding `flowSecret`; the new session's secret and where to go. A
   * session the browser held before (`previousSession`) ends: every sign-in gets a new id.
   */
  async complete(flowSecret: string | undefined, answer: CallbackAnswer, previousSession?: string): Promise<{ sessionSecret: string; returnTo: string }> {
    if (flowSecret === undefined || !SECRET_PATTERN.test(flowSecret)) throw signInErrors.flowMissing();
    // Taken (deleted) before anything else: whatever happens next, this flow cannot be used again.
    const flow = await this.deps.store.takeFlow(secretHash(flowSecret));
    if (!flow || flow.expiresAt <= this.clock().getTime()) throw signInErrors.flowMissing();
    const checks = flowChecks(flowSecret);
    if (answer.state === undefined || !sameText(answer.state, checks.state)) throw signInErrors.stateMismatch();
    const provider = this.deps.providers[flow.kind];
    if (!provider) throw signInErrors.notConfigured(flow.kind);
    const claims = await this.guard(provider.exchange(answer.url, checks));
    const person = flow.kind === 'supplier' ? supplierPerson(claims) : await this.staffPerson(claims);
    const sessionSecret = await this.deps.sessions.start(person);
    if (previousSession !== undefined) await this.deps.sessions.end(previousSession);
    this.deps.logger.info({ kind: person.kind, subject: person.subject, ...(person.kind === 'staff' ? { staff_id: person.staffId } : { uscc: person.uscc }) }, 'signed in');
    return { sessionSecret, returnTo: flow.returnTo };
  }

  private async staffPerson(claims: IdClaims): Promise<SessionPerson> {
    const member = await this.deps.staff.identify(claims.iss, claims.sub);
    if (!member) {
      this.deps.logger.info({ issuer: claims.iss, subject: claims.sub }, 'sign-in refused: not in the staff registry');
      throw signInErrors.staffUnknown();
    }
    return { kind: 'staff', issuer: claims.iss, subject: claims.sub, staffId: member.id, name: member.name, organisationName: member.bureau.name };
  }

  /** Logs why a provider call failed (the page says only what the person can act on) and rethrows. */
  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      if (err instanceof SignInError && err.cause !== undefined) {
        this.deps.logger.warn({ code: err.code, err: err.cause }, 'sign-in failed at the identity provider');
      }
      throw err;
    }
  }
}

/** An SME as the procurement cloud vouches for it: `uscc` (check character verified) and `company_name`. */
function supplierPerson(claims: IdClaims): SessionPerson {
  const { uscc, company_name: company, name } = claims;
  if (typeof uscc !== 'string' || !isValidUscc(uscc) || typeof company !== 'string' || company.trim() === '' || company.length > 200) {
    throw signInErrors.supplierClaimsMissing();
  }
  const person = typeof name === 'string' && name.trim() !== '' && name.length <= 200 ? name : company;
  return { kind: 'supplier', issuer: claims.iss, subject: claims.sub, uscc, name: person, organisationName: company };
}
