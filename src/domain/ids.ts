import { v7 } from 'uuid';

/** Time-ordered ids (UUIDv7): they sort by creation, which keyset pagination relies on. */
export const newId = (): string => v7();
