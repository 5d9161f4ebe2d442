#!/bin/bash
# test-card-cli.sh — issue, verify, change access, block, deny-list, reissue
# and a clone, through cardissue-cli, the real pcscd (tests/with-pcscd.sh) and
# virtual cards. TAP output.
set -u

cli_bin=${CARDISSUE_CLI:?}
vcard=${CARDISSUE_VCARD:?}
port=${CI_TEST_VPCD_PORT:?}
work=$(mktemp -d "${TMPDIR:-/tmp}/ci-card-cli.XXXXXX")
r0="Virtual PCD 00 00"
r1="Virtual PCD 00 01"
pids=()
n=0
failed=0

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  wait 2>/dev/null
  database_drop
  rm -rf "$work"
}
trap cleanup EXIT

source "$(dirname "$0")/card-test-lib.sh"

# expect NAME EXPECTED-EXIT PATTERN COMMAND… — runs, checks exit code and output
expect() {
  local name=$1 want=$2 pattern=$3; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [[ $rc -eq $want ]] && grep -q -- "$pattern" <<<"$out"; then ok 0 "$name"
  else ok 1 "$name"; echo "# exit $rc (wanted $want), output:"; sed 's/^/#   /' <<<"$out"; fi
  last_output=$out
}

# card_in SLOT IMAGE [OPTIONS…]: a virtual card goes into reader SLOT
card_in() {
  local slot=$1 image=$2; shift 2
  "$vcard" run --quiet --image "$image" --port $((port + slot)) "$@" &
  pids+=($!)
  eval "card_pid_$slot=$!"
  wait_for "$slot" "card present"
}

card_out() {
  local slot=$1 pid
  eval "pid=\$card_pid_$slot"
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  wait_for "$slot" "empty"
}

aid="F0 43 41 52 44 49 53 53 55 45 01"

# check STATUS NAME [DETAIL…] — ok, and on failure each DETAIL as a TAP comment
check() {
  local rc=$1 name=$2; shift 2
  ok "$rc" "$name"
  [[ $rc -eq 0 || $# -eq 0 ]] || printf '#   %s\n' "$@"
}

# hex — stdin as hex bytes, upper case, one space apart
hex() { od -An -tx1 -v | tr a-f A-F | tr '\n' ' ' | tr -s ' ' | sed 's/^ //;s/ $//'; }
str_hex() { printf '%s' "$1" | hex; }

# unhex HEX — the bytes HEX spells
unhex() { local b; for b in $1; do printf "\\x$b"; done; }

# tlv TAG HEX — one BER-TLV object with a definite length (profile notation)
tlv() {
  local -a v=($2)
  local n=${#v[@]}
  if ((n < 0x80)); then printf '%s %02X' "$1" "$n"
  elif ((n < 0x100)); then printf '%s 81 %02X' "$1" "$n"
  else printf '%s 82 %02X %02X' "$1" $((n >> 8)) $((n & 255)); fi
  ((n)) && printf ' %s' "$2"
  echo
}

# tlv_next HEX — splits the first BER-TLV object off HEX: tlv_tag, tlv_value, tlv_object
# (tag, length, value) and tlv_rest; fails if HEX does not start with a whole object
tlv_next() {
  local -a b=($1)
  local n=${#b[@]} i=1 k len
  ((n >= 2)) || return 1
  tlv_tag=${b[0]}
  if (((16#${b[0]} & 0x1F) == 0x1F)); then tlv_tag+=" ${b[1]}"; i=2; fi
  ((i < n)) || return 1
  len=$((16#${b[i]})); i=$((i + 1))
  if ((len > 0x80 && len <= 0x83)); then
    k=$((len - 0x80)); len=0
    ((i + k <= n)) || return 1
    for ((; k > 0; k--, i++)); do len=$((len * 256 + 16#${b[i]})); done
  elif ((len >= 0x80)); then
    return 1
  fi
  ((i + len <= n)) || return 1
  tlv_value=${b[*]:i:len}
  tlv_object=${b[*]:0:i + len}
  tlv_rest=${b[*]:i + len}
}

# tlv_list HEX — "TAG VALUE…" for each object in HEX, one a line; fails on a cut-short one
tlv_list() {
  local rest=$1
  while [[ -n $rest ]]; do
    tlv_next "$rest" || return 1
    echo "$tlv_tag $tlv_value"
    rest=$tlv_rest
  done
}

# apdus READER APDU… — sends the APDUs with opensc-tool over one connection; prints one
# line per APDU, "SW1SW2 DATA…" in hex ("----" for one that got no answer). opensc-tool
# shows 16 bytes a line, then their ASCII; only lines after the first are padded, so the
# first line of n bytes is 4n characters long.
apdus() {
  local reader=$1 a args=()
  shift
  for a in "$@"; do args+=(-s "$a"); done
  opensc-tool -r "$reader" "${args[@]}" 2>&1 | awk '
    function flush() { if (open) print sw data; open = 0 }
    /^Sending:/ { flush(); open = 1; sw = "----"; data = ""; next }
    /^Received \(SW1=0x/ {
      split($0, p, "0x"); sw = substr(p[2], 1, 2) substr(p[3], 1, 2); first = 1; next }
    open && /^[0-9A-F][0-9A-F] / {
      data = data " " substr($0, 1, first ? 3 * int(length($0) / 4) : 48); first = 0 }
    END { flush() }' | tr -s ' ' | sed 's/ $//'
}

echo "1..57"
cli demo >/dev/null 2>&1
ok $? "demo database"

card_in 0 "$work/a.img"
day0=$(date -u +%Y%m%d)
expect "HR issues a first card" 0 "is active" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$database" --keystore "$work/keys" \
  card issue E-1001 --reader "$r0"
day1=$(date -u +%Y%m%d)
serial=$(sed -n 's/^Card \([0-9]\{10\}\) is active.*/\1/p' <<<"$last_output")
grep -q "holder's PIN is [0-9]\{6\}\." <<<"$last_output"
ok $? "a 6-digit PIN is generated and shown once"
expect "an issued card is not written over" 1 "belongs\|is card $serial" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$database" --keystore "$work/keys" \
  card issue E-1002 --reader "$r0"
card_in 1 "$work/b.img"
expect "a second first card for the same employee is refused" 5 "already has an active card" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$database" --keystore "$work/keys" \
  card issue E-1001 --reader "$r1"
CARDISSUE_OPERATOR=security cli audit export 2>/dev/null \
  | grep -q '"action":"card.issue.check".*"outcome":"failed","reason":"E-1001 already has an active card'
ok $? "the refusal is in the audit log"

export CARDISSUE_OPERATOR=security
expect "issuer certificate" 0 "written" cli issuer certificate --output "$work/issuer.der"
openssl x509 -inform DER -in "$work/issuer.der" -noout -subject | grep -q "CardIssue issuer"
ok $? "openssl reads the issuer certificate"
expect "the door reader says valid" 0 "^valid: Card $serial" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der"

# The profile's APDUs for what anyone may read, sent by another PC/SC tool.
out=$(opensc-tool -r 0 -s "00 A4 04 0C 0B F0 43 41 52 44 49 53 53 55 45 01" -s "00 B0 81 00 32" 2>&1)
got=$(awk '/^Received \(SW1=0x90, SW2=0x00\)/ { f = 1; next } /^Sending/ { f = 0 }
           f { printf "%s ", substr($0, 1, 48) }' <<<"$out" | tr -s ' ')
sn_hex=$(printf '%s' "$serial" | od -An -tx1 | tr -d ' \n' | tr a-f A-F | sed 's/../& /g;s/ $//')
[[ $got == "E0 30 80 01 01 81 0A $sn_hex 82 01 01 83 08 "* && $(wc -w <<<"$got") -eq 50 ]]
ok $? "opensc-tool reads EF.CARD exactly as the profile describes"

# Every file anyone may read (profile §2, §3), through opensc-tool with the profile's APDUs
# (§7.1, §2.1, §7.5), against what §2.2 says each holds and what card dump saves.
mapfile -t r < <(apdus "$r0" "00 A4 00 0C 02 3F 00" "00 A4 02 0C 02 2F 01" "00 B0 00 00 00" \
                         "00 A4 02 04 02 2F 01 00")
[[ ${r[*]:0:2} == "9000 9000" && ${r[2]:-} == "9000 7F 66 09 02 02 FF FF 02 03 01 00 00" \
   && ${r[3]:-} == "9000 62 13 80 02 00 0C 82 01 01 83 02 2F 01 8A 01 05 8C 03 03 FF 00" ]]
check $? "opensc-tool reads EF.ATR/INFO: Nc-max 65535, Ne-max 65536; read always, update never" \
  "${r[@]}"

expect "card dump saves what anyone may read" 0 "EF.SIGNATURE" \
  cli card dump --reader "$r0" --output "$work/dump"
ef_size=([1]=128 3072 4096 128 128)
ef_update=([1]=41 41 41 FF 41)
cmds=("00 A4 04 04 0B $aid 00")
for s in 1 2 3 4 5; do
  cmds+=("00 A4 02 04 02 C0 0$s 00" "00 B0 8$s 00 00")
  for ((off = 256; off < ef_size[s]; off += 256)); do
    cmds+=("$(printf '00 B0 %02X %02X 00' $((off >> 8)) $((off & 255)))")
  done
done
mapfile -t r < <(apdus "$r0" "${cmds[@]}")
fcp_ok=0 read_ok=0 i=1 ef=()
[[ ${r[0]:-} == "9000 62 1E 82 01 38 83 02 43 49 84 0B $aid 8A 01 05 8C 05 72 41 41 41 41" ]] \
  || fcp_ok=1
for s in 1 2 3 4 5; do
  size=$(printf '%02X %02X' $((ef_size[s] >> 8)) $((ef_size[s] & 255)))
  fcp="62 16 80 02 $size 82 01 01 83 02 C0 0$s 88 01 0$s 8A 01 05 8C 03 03 ${ef_update[s]} 00"
  [[ ${r[i]:-} == "9000 $fcp" ]] || fcp_ok=1
  i=$((i + 1)) ef[s]=
  for ((off = 0; off < ef_size[s]; off += 256, i++)); do
    line=${r[i]:-}
    [[ $line == "9000 "* ]] || read_ok=1
    ef[s]+=" ${line#9000 }"
  done
  ef[s]=${ef[s]# }
  bytes=(${ef[s]})
  [[ ${#bytes[@]} -eq ${ef_size[s]} && ${ef[s]} == "$(hex <"$work/dump/C00$s.bin")" ]] || read_ok=1
done
check $fcp_ok "opensc-tool: DF.CARDISSUE and its five EFs answer SELECT with the profile's FCPs" \
  "${r[0]:-}" "${r[1]:-}"
check $read_ok "opensc-tool reads the five EFs whole, byte for byte what card dump saved"

tags=([1]=E0 E1 E2 "7F 49" E3) obj=() objects_ok=0
for s in 1 2 3 4 5; do
  if tlv_next "${ef[s]}" && [[ $tlv_tag == "${tags[s]}" && -z ${tlv_rest//[0 ]/} ]]; then
    obj[s]=$tlv_object
  else
    objects_ok=1
  fi
done
check $objects_ok "each EF holds one object with the profile's tag at offset 0, then 00 to its end"

# EF.CARD: serial, first card, valid until, issuer key id (SHA-256 of the issuer's DER
# SubjectPublicKeyInfo, computed here by openssl), date of issue.
emp=$(cli employee show E-1001)
field() { sed -n "s/^$1: *//p" <<<"$emp"; }
read -r from _ until <<<"$(field valid | tr -d -)"
openssl x509 -inform DER -in "$work/issuer.der" -noout -pubkey >"$work/issuer.pem"
issuer_id=$(openssl pkey -pubin -in "$work/issuer.pem" -outform DER | openssl dgst -sha256 -binary \
  | head -c 8 | hex)
card_object() {
  tlv E0 "$(tlv 80 01) $(tlv 81 "$(str_hex "$serial")") $(tlv 82 01) $(
    tlv 83 "$(str_hex "$until")") $(tlv 84 "$issuer_id") $(tlv 85 "$(str_hex "$1")")"
}
[[ ${#issuer_id} -eq 23 && (${obj[1]:-} == "$(card_object "$day0")" \
                            || ${obj[1]:-} == "$(card_object "$day1")") ]]
check $? "EF.CARD holds exactly the profile's E0 object, issuer key id as openssl computes it" \
  "${obj[1]:-}"

expected=$(tlv E1 "$(tlv 80 "$(str_hex E-1001)") $(tlv 81 "$(str_hex "$(field 'given name')")") $(
  tlv 82 "$(str_hex "$(field 'family name')")") $(tlv 83 "$(str_hex "$(field department)")") $(
  tlv 84 "$(str_hex "$(field 'job title')")") $(tlv 85 "$(str_hex "$from")") $(
  tlv 86 "$(str_hex "$until")")")
[[ ${obj[2]:-} == "$expected" ]]
check $? "EF.IDENTITY holds exactly the employee's record, UTF-8, dates as YYYYMMDD" \
  "${obj[2]:-}" "wanted $expected"

# EF.ZONES: revision 1 and one A0 per grant (demo data: two areas of building HQ-A, the
# offices on "mon-fri 07:00-19:00; sat 08:00-12:00"), in ascending zone id order.
zones_ok=1
if tlv_next "${obj[3]:-}" && tlv_next "$tlv_value" \
   && [[ $tlv_tag == 80 && $tlv_value == "00 00 00 01" ]]; then
  zones_ok=0 rest=$tlv_rest prev=-1 got=() parents=()
  re='^80 04 (.. .. .. ..) 81 01 02 82 04 (.. .. .. ..) (.*)$'
  while [[ -n $rest ]] && tlv_next "$rest"; do
    rest=$tlv_rest
    if [[ $tlv_tag == A0 && $tlv_value =~ $re ]] && ((16#${BASH_REMATCH[1]// /} > prev)) \
       && [[ ${BASH_REMATCH[2]} != "00 00 00 00" ]]; then
      prev=$((16#${BASH_REMATCH[1]// /}))
      got+=("${BASH_REMATCH[3]}") parents+=("${BASH_REMATCH[2]}")
    else
      zones_ok=1
    fi
  done
  lobby="$(tlv 83 "$(str_hex HQ-A-LOBBY)") $(tlv 84 00)"
  offices="$(tlv 83 "$(str_hex HQ-A-OFFICES)") $(tlv 84 02) $(tlv 87 "1F 01 A4 04 74") $(
    tlv 87 "20 01 E0 02 D0")"
  [[ -z $rest && ${#got[@]} -eq 2 && ${parents[0]} == "${parents[1]}" \
     && "$(printf '%s\n' "${got[@]}" | sort)" == "$(printf '%s\n' "$lobby" "$offices" | sort)" ]] \
    || zones_ok=1
fi
check $zones_ok "EF.ZONES holds revision 1 and the two granted zones as the profile encodes them" \
  "${obj[3]:-}"

# EF.CARDKEY: the OID of prime256v1 and an uncompressed point that openssl accepts.
re='^7F 49 4D 06 08 2A 86 48 CE 3D 03 01 07 86 41 (04( [0-9A-F]{2}){64})$'
spki="30 59 30 13 06 07 2A 86 48 CE 3D 02 01 06 08 2A 86 48 CE 3D 03 01 07 03 42 00"
[[ ${obj[4]:-} =~ $re ]] && unhex "$spki ${BASH_REMATCH[1]}" >"$work/cardkey.der" \
  && openssl pkey -pubin -inform DER -in "$work/cardkey.der" -out "$work/cardkey.pem" \
  && openssl pkey -pubin -in "$work/cardkey.pem" -noout -text | grep -q "NIST CURVE: P-256"
check $? "EF.CARDKEY holds the card's P-256 public key as the profile encodes it" "${obj[4]:-}"

# INTERNAL AUTHENTICATE (§5.3): the card signs "CIAUTH1" || challenge with that key.
challenge=$(head -c 32 /dev/urandom | hex)
mapfile -t r < <(apdus "$r0" "00 A4 04 0C 0B $aid" "00 88 00 03 20 $challenge 00")
[[ ${r[0]:-} == 9000 && ${r[1]:-} == "9000 30 "* ]] \
  && unhex "${r[1]#9000 }" >"$work/auth.sig" \
  && { printf CIAUTH1; unhex "$challenge"; } >"$work/auth.msg" \
  && openssl dgst -sha256 -verify "$work/cardkey.pem" -signature "$work/auth.sig" "$work/auth.msg" \
       >/dev/null
check $? "INTERNAL AUTHENTICATE answers a signature that openssl verifies with EF.CARDKEY" "${r[@]}"

# EF.SIGNATURE: the issuer key id, ECDSA P-256 with SHA-256, and a signature over
# "CISIG1" || the four other objects (§2.3) that openssl verifies with the issuer certificate.
sig=()
tlv_next "${obj[5]:-}" && mapfile -t sig < <(tlv_list "$tlv_value")
[[ ${#sig[@]} -eq 3 && ${sig[0]} == "80 $issuer_id" && ${sig[1]} == "81 01" \
   && ${sig[2]} == "9E 30 "* ]] \
  && unhex "${sig[2]#9E }" >"$work/card.sig" \
  && { printf CISIG1; unhex "${obj[1]:-} ${obj[2]:-} ${obj[3]:-} ${obj[4]:-}"; } >"$work/card.tbs" \
  && openssl dgst -sha256 -verify "$work/issuer.pem" -signature "$work/card.sig" "$work/card.tbs" \
       >/dev/null
check $? "EF.SIGNATURE holds the issuer's signature over the profile's data; openssl verifies it" \
  "${obj[5]:-}"

# No file is closed to reading (§3); writing is: UPDATE BINARY in plain is refused with 6982
# (§7.5 step 5) for EF.ZONES (SM), EF.CARDKEY and EF.ATR/INFO (never), and nothing changes.
mapfile -t r < <(apdus "$r0" "00 A4 04 0C 0B $aid" "00 D6 83 00 01 E2" "00 D6 84 00 01 7F" \
                         "00 B0 83 00 10" "00 B0 84 00 10" "00 A4 00 0C 02 3F 00" \
                         "00 A4 02 0C 02 2F 01" "00 D6 00 00 01 7F" "00 B0 00 00 00")
zones=(${ef[3]}) cardkey=(${ef[4]})
[[ ${r[*]:0:3} == "9000 6982 6982" && ${r[3]:-} == "9000 ${zones[*]:0:16}" \
   && ${r[4]:-} == "9000 ${cardkey[*]:0:16}" && ${r[*]:5:3} == "9000 9000 6982" \
   && ${r[8]:-} == "9000 7F 66 09 02 02 FF FF 02 03 01 00 00" ]]
check $? "UPDATE BINARY without secure messaging gets 6982 and changes nothing" "${r[@]}"

cli zone list >/dev/null
expect "security grants one more zone" 0 "" cli grant add E-1001 HQ-A-SERVER
expect "change of access re-encodes the card" 0 "current zones" cli card change-access --reader "$r0"
expect "the door reader sees the new zone" 0 "3 zone(s)" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der"
expect "HR may not change access" 3 "does not allow" \
  env CARDISSUE_OPERATOR=hr "$cli_bin" --database "$database" --keystore "$work/keys" \
  card change-access --reader "$r0"

expect "front desk reports the card lost" 0 "now lost" \
  env CARDISSUE_OPERATOR=frontdesk "$cli_bin" --database "$database" --keystore "$work/keys" \
  card set-state "$serial" lost
expect "deny list" 0 "written" cli deny-list export --output "$work/deny.crl"
openssl crl -inform DER -in "$work/deny.crl" -noout -text > "$work/crl.txt"
ok $? "openssl crl -inform DER reads the deny list"
grep -q "Serial Number: $(printf '%02X' "$((10#$serial))")" "$work/crl.txt"
ok $? "the lost card is on it"
expect "the door reader says revoked" 5 "^revoked:" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der" --deny-list "$work/deny.crl"

expect "front desk issues the replacement" 0 "is active" \
  env CARDISSUE_OPERATOR=frontdesk "$cli_bin" --database "$database" --keystore "$work/keys" \
  card reissue E-1001 "$serial" --reader "$r1"
new_serial=$(sed -n 's/^Card \([0-9]\{10\}\) is active.*/\1/p' <<<"$last_output")
expect "the replacement carries the same zones" 0 "^valid: Card $new_serial .*3 zone(s)" \
  cli card verify --reader "$r1" --issuer-cert "$work/issuer.der" --deny-list "$work/deny.crl"

# A copy of every readable file on a programmable card: the challenge fails.
expect "copy every readable file" 0 "EF.SIGNATURE" cli card dump --reader "$r1" --output "$work/copy"
card_out 0
args=()
for f in C001 C002 C003 C004 C005; do
  args+=(--file "$f=$(od -An -tx1 -v "$work/copy/$f.bin" | tr -d ' \n')")
done
"$vcard" forge --image "$work/clone.img" "${args[@]}" >/dev/null
ok $? "forge a clone"
card_in 0 "$work/clone.img"
expect "the door reader says clone" 5 "^clone:" \
  cli card verify --reader "$r0" --issuer-cert "$work/issuer.der"
card_out 0

# The same pipeline with a T=0 card (61xx, 6Cxx) and with a 64-byte buffer.
export CARDISSUE_OPERATOR=hr
card_in 0 "$work/t0.img" --protocol t0
expect "issue on a T=0 card" 0 "is active" cli card issue E-1002 --reader "$r0"
mapfile -t r < <(apdus "$r0" "00 A4 00 0C 02 3F 00" "00 A4 02 0C 02 2F 01" "00 B0 00 00 00")
[[ ${r[*]} == "9000 9000 9000 7F 66 07 02 01 FF 02 02 01 00" ]]
check $? "opensc-tool reads EF.ATR/INFO of the T=0 card: Nc-max 255, Ne-max 256" "${r[@]}"
expect "verify the T=0 card" 0 "^valid:" cli --operator security card verify --reader "$r0" \
  --issuer-cert "$work/issuer.der"
card_out 0
card_in 0 "$work/small.img" --max-apdu 64
expect "issue on a card with 64-byte APDUs" 0 "is active" cli card issue E-1003 --reader "$r0"
mapfile -t r < <(apdus "$r0" "00 A4 00 0C 02 3F 00" "00 A4 02 0C 02 2F 01" "00 B0 00 00 00")
[[ ${r[*]} == "9000 9000 9000 7F 66 06 02 01 40 02 01 40" ]]
check $? "opensc-tool reads EF.ATR/INFO of the small-buffer card: Nc-max 64, Ne-max 64" "${r[@]}"
expect "verify the small-buffer card" 0 "^valid:" cli --operator security card verify \
  --reader "$r0" --issuer-cert "$work/issuer.der"

# A holder whose validity has ended gets no card. Once extended, the card carries the new
# end date, and the door reader, going by the dates in EF.IDENTITY and EF.CARD (§7.7),
# says valid on that day and expired the day after.
card_out 0
card_in 0 "$work/expired.img"
expect "HR enrolls an employee whose validity ended in 2020" 0 "Enrolled E-2001" \
  cli employee add E-2001 --given Ada --family Former --from 2020-01-01 --until 2020-12-31
expect "no card for an employee whose validity has ended" 5 "validity ended on 2020-12-31" \
  cli card issue E-2001 --reader "$r0"
"$vcard" show --image "$work/expired.img" | grep -q "^Application: *none"
ok $? "and the card was left blank"
expect "HR extends the validity" 0 "" cli employee edit E-2001 --until 2030-12-31
expect "then the card is issued" 0 "is active" cli card issue E-2001 --reader "$r0"
expect "the door reader says valid on its last day" 0 "^valid:" \
  cli --operator security card verify --reader "$r0" --issuer-cert "$work/issuer.der" \
  --deny-list "$work/deny.crl" --date 2030-12-31
expect "and expired the day after" 5 "^expired: The holder's validity ended on 2030-12-31" \
  cli --operator security card verify --reader "$r0" --issuer-cert "$work/issuer.der" \
  --deny-list "$work/deny.crl" --date 2031-01-01
expect "a date that is no date is refused" 2 "YYYY-MM-DD" \
  cli --operator security card verify --reader "$r0" --issuer-cert "$work/issuer.der" \
  --date 2031-02-30

# A PIN the holder chose (--ask-pin; CARDISSUE_CARD_PIN for scripts): 4 to 8 digits, never
# shown, and the card's own VERIFY in plain (§4, as a door keypad sends it) knows it.
card_out 0
card_in 0 "$work/pin.img"
for bad in 12a4 123; do
  expect "a chosen PIN “$bad” is refused" 5 "The PIN must be 4 to 8 digits" \
    env CARDISSUE_CARD_PIN=$bad "$cli_bin" --database "$database" --keystore "$work/keys" \
    --desk test card issue E-1010 --reader "$r0" --ask-pin
done
mapfile -t r < <(apdus "$r0" "00 A4 04 04 0B $aid 00")
[[ ${r[*]} == 6A82 ]]
check $? "the refused issues left the card blank (SELECT of DF.CARDISSUE: 6A82)" "${r[@]}"
pin=7391584
expect "HR issues a card with the PIN the holder chose" 0 "is active" \
  env CARDISSUE_CARD_PIN=$pin "$cli_bin" --database "$database" --keystore "$work/keys" \
  --desk test card issue E-1010 --reader "$r0" --ask-pin
audit=$(cli --operator security audit export)
! grep -qw -- "$pin" <<<"$last_output" && ! grep -q "PIN is" <<<"$last_output" \
  && grep -q '"action":"card.issue",.*"subject_id":"E-1010","outcome":"ok"' <<<"$audit" \
  && ! grep -qw -- "$pin" <<<"$audit"
check $? "the chosen PIN is shown nowhere: not in the output, not in the audit log"
right="$(str_hex "$pin") FF" wrong="$(str_hex 7391585) FF"
mapfile -t r < <(apdus "$r0" "00 A4 04 0C 0B $aid" "00 20 00 81" "00 20 00 81 08 $right" \
                         "00 20 00 81" "00 20 00 81 08 $wrong" "00 20 00 81" \
                         "00 20 00 81 08 $right" "00 20 00 81 08 $wrong" "00 20 00 81 08 $right")
[[ ${r[*]} == "9000 63C3 9000 9000 63C2 63C2 9000 63C2 9000" ]]
check $? "VERIFY in plain: the chosen PIN 9000, a wrong one 63C2, the right one resets it" \
  "${r[@]}"

expect "the audit chain verifies" 0 "" cli --operator security audit verify

exit $failed
