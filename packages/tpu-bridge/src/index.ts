/** @syncline/tpu-bridge public surface (being built; see its issue). */
export {};
