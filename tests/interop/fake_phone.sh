#!/usr/bin/env bash
# A stand-in for examples/phone built from sipp, UDP only, to check the
# harness's phone scenarios themselves (not sansip!):
#   PHONE=tests/interop/fake_phone.sh ALLOW_MISSING_PHONE=1 \
#     bash tests/interop/run.sh phone_register_udp_auth phone_register_udp_noauth phone_message_udp
# Speaks the phone's CLI contract for --register and --message.
set -u
S=$(cd "$(dirname "$0")" && pwd)/sipp
aor="" pass="" register=0 target="" text=""
while [ $# -gt 0 ]; do
  case $1 in
    --aor) aor=$2; shift 2 ;;
    --password) pass=$2; shift 2 ;;
    --proxy|--listen|--answer) shift 2 ;;
    --register) register=1; shift ;;
    --message) target=$2; text=$3; shift 3 ;;
    --trace) shift ;;
    *) echo "fake_phone: unknown $1" >&2; exit 2 ;;
  esac
done
user=${aor#sip:}; user=${user%@*}
common=(-i 127.0.0.1 -p 5070 -m 1 -nostdin -timeout 5 -timeout_error -s "$user" 127.0.0.1:5060)
reg() {
  sipp -sf "$S/register_noauth.xml" -key expires "$1" -key contact_port 5070 "${common[@]}" >/dev/null 2>&1 ||
    sipp -sf "$S/register_auth.xml" -au "$user" -ap "$pass" -key expires "$1" -key contact_port 5070 "${common[@]}" >/dev/null 2>&1
}
if [ -n "$target" ]; then
  to=${target#sip:}; to=${to%@*}
  sipp -sf "$S/uac_message.xml" -au "$user" -ap "$pass" -key to "$to" -key text "$text" "${common[@]}" >/dev/null 2>&1 || exit 1
  echo "message-delivered status=200"
  exit 0
fi
if [ $register = 1 ]; then
  reg 600 || exit 1
  echo "registered expires=600"
  sleep 60 &
  sleeper=$!
  trap 'kill "$sleeper"; reg 0 && exit 0; exit 1' TERM
  wait "$sleeper"
fi
