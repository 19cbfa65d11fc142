import type { Person, PersonId } from "./bindings";

/** Names of the organisation's people, as last synced (see `setPeople`). */
let directory = new Map<PersonId, string>();

/** Replaces the directory with the people the engine knows (after each sync). */
export function setPeople(people: readonly Pick<Person, "id" | "name">[]): void {
  directory = new Map(people.map((p) => [p.id, p.name]));
}

/**
 * How a person is named on screen: the signed-in person, anyone in the
 * directory, or — for someone this device has not heard of yet — their id
 * (what the secretariat's records and reports use).
 */
export function personName(id: PersonId, me: Pick<Person, "id" | "name">): string {
  return id === me.id ? me.name : (directory.get(id) ?? id);
}
