// Telegram's own allow-list matching (extensions/telegram/src/bot-access.ts in 2026.9.6,
// dist access-groups-p6LvuL3F.mjs): normalizeAllowFrom (trim, drop blanks, `*`, strip one
// `telegram:`/`tg:` prefix in any case, keep numeric ids only) and isSenderAllowed (an
// empty list allows: the DM policy decides before it). The bundled Telegram channel runs
// these instead of the SDK's stable exact-match identity.
export async function prepare(load) {
  const access = await load("./dist/access-groups-p6LvuL3F.mjs");
  process.env.VITEST = "1";   // the normaliser logs a warning per invalid entry otherwise
  return (input) => {
    const allow = access.i(input.allowFrom);
    return { allowed: access.r({ allow, senderId: input.senderId }) };
  };
}
