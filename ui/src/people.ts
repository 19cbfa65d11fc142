import type { Person, PersonId } from "./bindings";

/**
 * How a person is named on screen. The engine gives the app no list of the
 * organisation's people, only the signed-in person, so everyone else shows
 * by id (the id is what the secretariat's records and reports use).
 */
export function personName(id: PersonId, me: Pick<Person, "id" | "name">): string {
  return id === me.id ? me.name : id;
}
