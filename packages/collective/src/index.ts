/** @syncline/collective public surface (being built; see its issue). */
export {};
