// Test fixture for scripts/gen_tool_groups.py: a made-up, much smaller tool catalog in
// the shape OpenClaw's src/agents/tool-catalog.ts uses (core tool definitions with a
// section; groups derived per section, plus one group of the flagged tools).
type Def = { id: string; sectionId: string; includeInOpenClawGroup?: boolean };

const CORE_TOOL_DEFINITIONS: Def[] = [
  { id: "read", sectionId: "fs" },
  { id: 'write', sectionId: 'fs' }, // single quotes are fine too
  /* a block comment between entries */
  {
    id: "memory_search",
    sectionId: "memory",
    includeInOpenClawGroup: true,
  },
  { id: "memory_get", sectionId: "memory", includeInOpenClawGroup: true, profiles: ["coding"] },
  { id: "exec", sectionId: "runtime", includeInOpenClawGroup: false },
  { id: "message", sectionId: "messaging", includeInOpenClawGroup: true, },
];

function groupsOf(defs: Def[]) {
  const bySection = new Map<string, string[]>();
  for (const tool of defs) {
    const key = `group:${tool.sectionId}`;
    bySection.set(key, [...(bySection.get(key) ?? []), tool.id]);
  }
  const flagged = defs.filter((tool) => tool.includeInOpenClawGroup).map((tool) => tool.id);
  return { "group:openclaw": flagged, ...Object.fromEntries(bySection) };
}

export const CORE_TOOL_GROUPS = groupsOf(CORE_TOOL_DEFINITIONS);
