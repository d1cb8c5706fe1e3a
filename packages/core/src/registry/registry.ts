/**
 * A registry of named factories, as an instance (never process-global). Registration
 * is explicit: the app calls each package's register*() function; nothing registers on
 * import. Registering the same factory twice is a no-op; a different one is an error.
 */
import { ContractViolationError } from '../errors/contract-violation-error';
import { DuplicateRegistrationError } from '../errors/duplicate-registration-error';
import { NoUsableBackendError } from '../errors/no-usable-backend-error';
import { NotRegisteredError } from '../errors/not-registered-error';

export type Factory<T> = () => T | Promise<T>;

export class Registry<T extends { readonly name: string }> {
  readonly #entries = new Map<string, { create: Factory<T>; priority: number }>();

  /** @param kind what is registered, for error messages ("backend", "communicator"). */
  constructor(readonly kind: string) {}

  /** Adds a factory; a higher priority is tried first by createFirstUsable. */
  register(name: string, create: Factory<T>, priority = 0): void {
    const prev = this.#entries.get(name);
    if (prev && prev.create !== create) throw new DuplicateRegistrationError(this.kind, name);
    this.#entries.set(name, { create, priority });
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** Builds the named entry; throws NotRegisteredError or ContractViolationError. */
  async create(name: string): Promise<T> {
    const entry = this.#entries.get(name);
    if (!entry) throw new NotRegisteredError(this.kind, name, this.names());
    const made = await entry.create();
    if (made.name !== name) throw new ContractViolationError(this.kind, name, `factory returned "${made.name}"`);
    return made;
  }

  /**
   * Tries entries in priority order (first enabled wins, as Horovod does) and returns
   * the first that starts; if none does, throws one NoUsableBackendError listing every
   * candidate's failure.
   */
  async createFirstUsable(candidates: readonly string[] = this.names()): Promise<T> {
    const failures: { name: string; error: unknown }[] = [];
    for (const name of candidates) {
      try {
        return await this.create(name);
      } catch (error) {
        failures.push({ name, error });
      }
    }
    throw new NoUsableBackendError(this.kind, failures);
  }

  /** Registered names, highest priority first (ties in registration order). */
  names(): string[] {
    return [...this.#entries].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
  }
}
