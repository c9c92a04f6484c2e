// Test fixture for scripts/gen_tool_groups.py: a made-up, much smaller tool policy in
// the shape older OpenClaw sources use (the groups written out as one object literal).
export const TOOL_GROUPS: Record<string, string[]> = {
  // canonical lowercase names
  "group:memory": ["memory_search", "memory_get"],
  "group:fs": [
    "read",
    "write", // trailing comma next
  ],
  'group:openclaw': ["memory_search", "memory_get", "message"],
};

export function expand(name: string): string[] {
  return TOOL_GROUPS[name] ?? [name];
}
