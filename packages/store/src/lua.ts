/**
 * The Lua scripts of the Redis store, shared by every executor (node-redis, GLIDE). Each write
 * that touches more than one key is one script, so it is atomic. Key layout and value encodings
 * are documented at the top of `redis.ts`; the KEYS/ARGV order of each script is listed above it.
 *
 * Every script touches the keys of one Redis Cluster slot only: one room's keys (hash tag
 * `{<roomId>}`) or one code key.
 *
 * Scripts check everything before writing anything: Redis does not roll a script back when it
 * fails half-way, so a script must not be able to fail after its first write.
 */
import { createHash } from 'node:crypto';
import { SUBMISSION_OVERHEAD } from './shared.js';

export interface LuaScript {
  readonly name: string;
  readonly source: string;
  /** SHA1 of the source, for EVALSHA */
  readonly sha: string;
}

const lua = (name: string, source: string): LuaScript => ({ name, source, sha: createHash('sha1').update(source).digest('hex') });

/**
 * Keys a script may have just created take the room's deadline (KEYS[1] is the room hash). Only
 * keys without one are touched (PTTL -1), so an ordinary write adds nothing to the AOF.
 */
const INHERIT_EXPIRY = `
local at = redis.call('PEXPIRETIME', KEYS[1])
if at > 0 then
  for i = 2, #KEYS do
    if redis.call('PTTL', KEYS[i]) == -1 then redis.call('PEXPIREAT', KEYS[i], at) end
  end
end
`;

/**
 * The room's own keys; its code was claimed just before (`SET code roomId NX`, in the code's slot).
 * KEYS: room, secrets
 * ARGV: stateJson, version, code, facilitator, cohost, display
 * → 1 created (an error if the room id exists: nothing is written)
 */
export const CREATE_ROOM = lua(
  'createRoom',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('ERR canopy: room id already exists') end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'version', ARGV[2], 'code', ARGV[3], 'active', 0)
redis.call('HSET', KEYS[2], 'facilitator', ARGV[4], 'cohost', ARGV[5], 'display', ARGV[6])
return 1
`,
);

/**
 * The code index, in the code key's own slot: forget the code if it still names this room.
 * KEYS: code
 * ARGV: roomId
 * → 1 released, 0 it names another room or nothing
 */
export const RELEASE_CODE = lua(
  'releaseCode',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
);

/**
 * The code index takes its room's deadline, if it still names that room.
 * KEYS: code
 * ARGV: roomId, deadline (Unix ms)
 * → 1 set, 0 it names another room or nothing
 */
export const EXPIRE_CODE = lua(
  'expireCode',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`,
);

/**
 * KEYS: room
 * ARGV: expectedVersion, stateJson, nextVersion, code
 * → 1 replaced, 0 version mismatch or no such room
 */
export const CAS_ROOM = lua(
  'casRoom',
  `
local v = redis.call('HGET', KEYS[1], 'version')
if v ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'code') ~= ARGV[4] then return redis.error_reply('ERR canopy: a room code cannot change') end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'version', ARGV[3])
return 1
`,
);

/**
 * KEYS: room, participants, order, tokens, joins, pmeta, banned
 * ARGV: participantId, participantJson, tokenHash, joinId, deviceHash, cap, waiting ('1' = into the waiting room)
 * → {'created', stored} | {'existing', stored} | {'banned'} | {'full'} | {'missing'}
 *
 * A waiting participant is stored with the flag '2' and counted in the room's `waiting`, not `active`;
 * the cap holds for both together.
 */
export const ADD_PARTICIPANT = lua(
  'addParticipant',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local prior = redis.call('HGET', KEYS[5], ARGV[4])
if prior then
  local p = redis.call('HGET', KEYS[2], prior)
  if string.sub(p, 1, 1) == '1' then return {'banned'} end
  return {'existing', p}
end
if redis.call('SISMEMBER', KEYS[7], ARGV[5]) == 1 then return {'banned'} end
if tonumber(redis.call('HGET', KEYS[1], 'active') or '0') + tonumber(redis.call('HGET', KEYS[1], 'waiting') or '0') >= tonumber(ARGV[6]) then return {'full'} end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return redis.error_reply('ERR canopy: participant id already exists') end
if redis.call('HEXISTS', KEYS[4], ARGV[3]) == 1 then return redis.error_reply('ERR canopy: token already in use') end
local flag = '0'
if ARGV[7] == '1' then flag = '2' end
local stored = flag .. ARGV[2]
redis.call('HSET', KEYS[2], ARGV[1], stored)
redis.call('RPUSH', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[6], 'tok:' .. ARGV[1], ARGV[3], 'dev:' .. ARGV[1], ARGV[5], 'join:' .. ARGV[1], ARGV[4])
if flag == '2' then redis.call('HINCRBY', KEYS[1], 'waiting', 1) else redis.call('HINCRBY', KEYS[1], 'active', 1) end
${INHERIT_EXPIRY}
return {'created', stored}
`,
);

/**
 * KEYS: room, participants
 * ARGV: participantId
 * → 1 admitted (flag '2' → '0', moved from `waiting` to `active`), 0 not waiting (or not there)
 */
export const ADMIT_PARTICIPANT = lua(
  'admitParticipant',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local p = redis.call('HGET', KEYS[2], ARGV[1])
if not p or string.sub(p, 1, 1) ~= '2' then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], '0' .. string.sub(p, 2))
redis.call('HINCRBY', KEYS[1], 'waiting', -1)
redis.call('HINCRBY', KEYS[1], 'active', 1)
return 1
`,
);

/**
 * KEYS: room, participants, tokens, pmeta, banned
 * ARGV: participantId, name mark ('' = none; else 'n:<name hash>', added to the bans)
 * → 1 removed, 0 no such active participant
 */
export const REMOVE_PARTICIPANT = lua(
  'removeParticipant',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local p = redis.call('HGET', KEYS[2], ARGV[1])
if not p or string.sub(p, 1, 1) ~= '0' then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], '1' .. string.sub(p, 2))
local tok = redis.call('HGET', KEYS[4], 'tok:' .. ARGV[1])
if tok then redis.call('HDEL', KEYS[3], tok) end
local dev = redis.call('HGET', KEYS[4], 'dev:' .. ARGV[1])
if dev then redis.call('SADD', KEYS[5], dev) end
if ARGV[2] ~= '' then redis.call('SADD', KEYS[5], ARGV[2]) end
redis.call('HINCRBY', KEYS[1], 'active', -1)
${INHERIT_EXPIRY}
return 1
`,
);

/**
 * KEYS: tokens, participants
 * ARGV: tokenHash
 * → the stored participant, or nil
 */
export const PARTICIPANT_BY_TOKEN = lua(
  'participantByToken',
  `
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[2], id)
`,
);

/**
 * KEYS: order, participants
 * → stored participants in join order
 */
export const LIST_PARTICIPANTS = lua(
  'listParticipants',
  `
local ids = redis.call('LRANGE', KEYS[1], 0, -1)
local out = {}
for i = 1, #ids, 500 do
  local vals = redis.call('HMGET', KEYS[2], unpack(ids, i, math.min(i + 499, #ids)))
  for j = 1, #vals do
    if vals[j] then out[#out + 1] = vals[j] end
  end
end
return out
`,
);

/**
 * Record writes to one room, applied in order in one atomic step, each exactly as it would be alone
 * (its own checks, its own reply: a refused write does not refuse the others, and a later write
 * sees what an earlier one changed). `writeRecord` is a batch of one; the store sends the writes
 * made in the same tick for the same room as one batch.
 *
 * KEYS: room, registry, participants, then per step of the batch: records, counters, subs
 * ARGV: dedupe window, then per write: step index (0 = the first step's three keys), scope, submissionField,
 *       expectedRev, value, writer ('' = none), roomVersion ('' = any), maxRoomBytes ('' = none),
 *       ring field prefix ("#<scope length>:<scope>:"), counter count n, then n × (counterName, delta)
 * → {'missing'} | one reply per write: {'ok', rev} | {'duplicate', rev} | {'conflict', storedOrNil} | {'gone'}
 *   | {'stale'} | {'capped', usedBytes}
 *
 * The dedupe window: the id that produced rev r is also kept in ring slot r mod window; writing
 * rev r + window finds the older id in that slot and forgets it. The room hash's `bytes` counts
 * record values plus ${SUBMISSION_OVERHEAD} + the field's length per remembered id (shared.ts).
 *
 * It runs for every answer, so it touches only what it may have created: the step's keys go into
 * the room's registry, and take the room's deadline, when a record is first written (the records
 * and dedupe hashes exist, with the deadline, for as long as any record of that scope does: this
 * script is the only one that creates them); the counters hash, which empties and goes when its
 * last counter is back to zero, is given the deadline, once per call, whenever a write moved a counter.
 * The room's byte count is read at most once a call and written once at its end (a batch of answers
 * costs Redis one read and one write of it, not one of each per answer); each write's cap check
 * counts what the writes before it in the batch added.
 */
export const WRITE_RECORDS = lua(
  'writeRecords',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local window = tonumber(ARGV[1])
local version = nil
local at = nil
-- the room's stored bytes: read once, when a cap is first checked; what this call adds is written once, at the end
local used = nil
local added = 0
-- counters hashes a write of this call moved: they take the room's deadline once, at the end
local moved = {}
-- a key this call may have created takes the room's deadline, if the room has one
local function inherit(key)
  if at == nil then at = redis.call('PEXPIRETIME', KEYS[1]) end
  if at > 0 and redis.call('PTTL', key) == -1 then redis.call('PEXPIREAT', key, at) end
end
local function one(records, counters, subs, scope, field, expected, value, writer, roomVersion, maxBytes, ringPrefix, first, last)
  if writer ~= '' then
    local p = redis.call('HGET', KEYS[3], writer)
    if not p or string.sub(p, 1, 1) ~= '0' then return {'gone'} end
  end
  if roomVersion ~= '' then
    if version == nil then version = redis.call('HGET', KEYS[1], 'version') end
    if version ~= roomVersion then return {'stale'} end
  end
  local done = redis.call('HGET', subs, field)
  if done then return {'duplicate', tonumber(done)} end
  local cur = redis.call('HGET', records, scope)
  local rev = 0
  local oldLen = 0
  if cur then
    local bar = string.find(cur, '|', 1, true)
    rev = tonumber(string.sub(cur, 1, bar - 1))
    oldLen = #cur - bar
  end
  if rev ~= tonumber(expected) then return {'conflict', cur} end
  rev = rev + 1
  local ring = ringPrefix .. (rev % window)
  local evicted = redis.call('HGET', subs, ring)
  local delta = #value - oldLen + #field + ${SUBMISSION_OVERHEAD}
  if evicted then delta = delta - #evicted - ${SUBMISSION_OVERHEAD} end
  if maxBytes ~= '' and delta > 0 then
    if used == nil then used = tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0') end
    if used + added + delta > tonumber(maxBytes) then return {'capped', used + added} end
  end
  redis.call('HSET', records, scope, rev .. '|' .. value)
  if evicted then redis.call('HDEL', subs, evicted) end
  redis.call('HSET', subs, field, rev, ring, field)
  added = added + delta
  for i = first, last, 2 do
    if redis.call('HINCRBY', counters, ARGV[i], ARGV[i + 1]) == 0 then redis.call('HDEL', counters, ARGV[i]) end
  end
  if not cur then
    redis.call('SADD', KEYS[2], records, counters, subs)
    inherit(KEYS[2])
    inherit(records)
    inherit(subs)
  end
  if last >= first then moved[counters] = true end
  return {'ok', rev}
end
local out = {}
local i = 2
while i <= #ARGV do
  local k = 4 + 3 * tonumber(ARGV[i])
  local first = i + 10
  local last = first + 2 * tonumber(ARGV[i + 9]) - 1
  out[#out + 1] = one(KEYS[k], KEYS[k + 1], KEYS[k + 2], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], first, last)
  i = last + 1
end
if added ~= 0 then redis.call('HINCRBY', KEYS[1], 'bytes', added) end
-- a counters hash emptied and made again within this call is checked in its final state
for counters in pairs(moved) do inherit(counters) end
return out
`,
);

/**
 * KEYS: the room's fixed keys (room first, registry last)
 * Deletes the fixed keys and every key in the registry (the code index, in another slot, is
 * released before this, by RELEASE_CODE).
 */
export const DELETE_ROOM = lua(
  'deleteRoom',
  `
local extra = redis.call('SMEMBERS', KEYS[#KEYS])
for i = 1, #extra, 500 do
  redis.call('DEL', unpack(extra, i, math.min(i + 499, #extra)))
end
redis.call('DEL', unpack(KEYS))
return 1
`,
);

/**
 * KEYS: room, participants, order, tokens, joins, pmeta
 * ARGV: participantId, onlyWaiting ('1': only if still waiting)
 * → 1 erased, 0 no such participant (or no such room, or not waiting with onlyWaiting)
 */
export const ERASE_PARTICIPANT = lua(
  'eraseParticipant',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local id = ARGV[1]
local p = redis.call('HGET', KEYS[2], id)
if not p then return 0 end
if ARGV[2] == '1' and string.sub(p, 1, 1) ~= '2' then return 0 end
local tok = redis.call('HGET', KEYS[6], 'tok:' .. id)
if tok and redis.call('HGET', KEYS[4], tok) == id then redis.call('HDEL', KEYS[4], tok) end
local join = redis.call('HGET', KEYS[6], 'join:' .. id)
if join and redis.call('HGET', KEYS[5], join) == id then redis.call('HDEL', KEYS[5], join) end
redis.call('HDEL', KEYS[6], 'tok:' .. id, 'dev:' .. id, 'join:' .. id)
redis.call('HDEL', KEYS[2], id)
redis.call('LREM', KEYS[3], 0, id)
if string.sub(p, 1, 1) == '0' then redis.call('HINCRBY', KEYS[1], 'active', -1) end
if string.sub(p, 1, 1) == '2' then redis.call('HINCRBY', KEYS[1], 'waiting', -1) end
return 1
`,
);

/**
 * KEYS: room, records, counters, subs
 * ARGV: scope, submission field prefix ("<scope length>:<scope>"), expectedRev, counterName1, delta1, …
 * → {'ok'} | {'conflict', storedOrNil} | {'missing'}
 */
export const DELETE_RECORD = lua(
  'deleteRecord',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local cur = redis.call('HGET', KEYS[2], ARGV[1])
local rev = 0
if cur then rev = tonumber(string.match(cur, '^(%d+)|')) end
if rev ~= tonumber(ARGV[3]) then return {'conflict', cur} end
local freed = 0
if cur then
  redis.call('HDEL', KEYS[2], ARGV[1])
  freed = #cur - string.find(cur, '|', 1, true)
end
for i = 4, #ARGV, 2 do
  if redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1]) == 0 then redis.call('HDEL', KEYS[3], ARGV[i]) end
end
-- the record's remembered ids (prefix) and their ring slots ('#' .. prefix .. ':')
local prefix, n, gone = ARGV[2], #ARGV[2], {}
local ring, rn = '#' .. ARGV[2] .. ':', #ARGV[2] + 2
for _, f in ipairs(redis.call('HKEYS', KEYS[4])) do
  if string.sub(f, 1, n) == prefix then
    gone[#gone + 1] = f
    freed = freed + #f + ${SUBMISSION_OVERHEAD}
  elseif string.sub(f, 1, rn) == ring then
    gone[#gone + 1] = f
  end
end
if freed > 0 then redis.call('HINCRBY', KEYS[1], 'bytes', -freed) end
for i = 1, #gone, 500 do
  redis.call('HDEL', KEYS[4], unpack(gone, i, math.min(i + 499, #gone)))
end
${INHERIT_EXPIRY}
return {'ok'}
`,
);

/**
 * KEYS: the room's fixed keys (room first, registry last)
 * ARGV: milliseconds, atVersion ('' = any)
 * → {deadline (Unix ms), code}: every key of the room now expires then; {0} no such room (or another version)
 */
export const EXPIRE_ROOM = lua(
  'expireRoom',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'version') ~= ARGV[2] then return {0} end
local ms = ARGV[1]
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ms) end
for _, k in ipairs(redis.call('SMEMBERS', KEYS[#KEYS])) do redis.call('PEXPIRE', k, ms) end
return {redis.call('PEXPIRETIME', KEYS[1]), redis.call('HGET', KEYS[1], 'code')}
`,
);

/**
 * What answers to one step are decided on, in one call: the room's version and, for each answer,
 * the rev its submission made if it was applied already, and its record.
 * KEYS: room, the step's records, the step's subs; ARGV: scope, submission field, scope, submission field…
 * → {version or nil, appliedRev or nil, "<rev>|<value>" or nil, appliedRev or nil, …}
 */
export const READ_FOR_ANSWER = lua(
  'readForAnswer',
  `
local out = {redis.call('HGET', KEYS[1], 'version')}
for i = 1, #ARGV, 2 do
  out[#out + 1] = redis.call('HGET', KEYS[3], ARGV[i + 1])
  out[#out + 1] = redis.call('HGET', KEYS[2], ARGV[i])
end
return out
`,
);

/**
 * KEYS: the step's records hash; ARGV: scope → the record's rev (0: none), without sending its
 * value over the wire (a group activity's shared record can be hundreds of KB)
 */
export const RECORD_REV = lua(
  'recordRev',
  `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
return tonumber(string.match(cur, '^(%d+)|'))
`,
);

export const SCRIPTS = [
  CREATE_ROOM,
  RELEASE_CODE,
  EXPIRE_CODE,
  CAS_ROOM,
  ADD_PARTICIPANT,
  ADMIT_PARTICIPANT,
  REMOVE_PARTICIPANT,
  PARTICIPANT_BY_TOKEN,
  LIST_PARTICIPANTS,
  WRITE_RECORDS,
  DELETE_ROOM,
  ERASE_PARTICIPANT,
  DELETE_RECORD,
  EXPIRE_ROOM,
  RECORD_REV,
  READ_FOR_ANSWER,
];
