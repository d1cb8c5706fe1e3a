/** @syncline/backend-tfjs public surface (being built; see its issue). */
export {};
