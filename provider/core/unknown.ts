// The engine's placeholder for a value not known until apply (preview with outputs of resources not yet
// created). It arrives as this raw string whatever the property's type, so every rule must check for it first.

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}
