# shellcheck shell=bash
# Helpers for the interop scenarios (sourced by run.sh).
#
# Model: run.sh (the "suite") runs each scenario as a separate process,
#   timeout -k 2 N unshare -n bash run.sh --scenario NAME ARGS...
# so every scenario gets a fresh network namespace with only loopback, a
# fresh kamailio on 127.0.0.1:5060/8080, and a hard time bound. Inside a
# scenario, every peer is started in the background under its own
# `timeout -k 2`, its PID remembered, and stopped by PID on exit.

INTEROP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAMAILIO_CFG="$INTEROP_DIR/kamailio/kamailio.cfg"
SIPP_DIR="$INTEROP_DIR/sipp"
PROXY_IP=127.0.0.1
PROXY_PORT=5060
PROXY_WS_PORT=8080

# Per-scenario state (set by scenario_begin).
SCEN_DIR=""
PIDS=()
KAM_PID=""
KAM_CTL=""

log() { printf '  [%s] %s\n' "$(date +%T.%3N)" "$*" >&2; }

# ---------------------------------------------------------------- namespace

# in_netns CMD ARGS...: run CMD inside a new network namespace whose only
# interface is loopback, brought up. Nothing the command does can leave the
# machine. Exit status is the command's.
in_netns() {
  unshare -n bash -c 'ip link set lo up || exit 90; exec "$@"' in_netns "$@"
}

# Refuse to run a scenario outside a private namespace: the namespace has
# exactly one interface (lo).
assert_private_netns() {
  local n
  n=$(ip -o link show | wc -l)
  if [ "$n" != 1 ]; then
    echo "refusing to run outside a private network namespace ($n interfaces)" >&2
    exit 90
  fi
}

# need CMD ARGS...: run a check; on failure say which one failed.
need() {
  "$@" && return 0
  log "check failed: $*"
  return 1
}

# ------------------------------------------------------------ process control

# scenario_begin DIR: set up logs and the EXIT trap for one scenario.
scenario_begin() {
  SCEN_DIR=$1
  mkdir -p "$SCEN_DIR"
  PIDS=()
  trap stop_all EXIT
  trap 'exit 143' TERM INT
}

# spawn NAME SECONDS CMD ARGS...: start CMD in the background under
# `timeout -k 2 SECONDS`, stdout to $SCEN_DIR/NAME.out, stderr to NAME.err,
# working directory $SCEN_DIR. Sets SPAWNED_PID.
spawn() {
  local name=$1 secs=$2
  shift 2
  (cd "$SCEN_DIR" && exec timeout -k 2 "$secs" "$@") \
    >"$SCEN_DIR/$name.out" 2>"$SCEN_DIR/$name.err" </dev/null &
  SPAWNED_PID=$!
  PIDS+=("$SPAWNED_PID")
  echo "$SPAWNED_PID $*" >>"$SCEN_DIR/pids"
  log "started $name (pid $SPAWNED_PID): $*"
}

# stop_all: TERM every process this scenario started (by PID), then KILL
# whatever is left after 2 s. Installed as the EXIT trap.
stop_all() {
  local pid alive=()
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null && alive+=("$pid")
    fi
  done
  local i
  for i in $(seq 20); do
    local left=()
    for pid in "${alive[@]}"; do
      kill -0 "$pid" 2>/dev/null && left+=("$pid")
    done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${alive[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  PIDS=()
}

# wait_exit PID: wait for a spawned process, set WAIT_STATUS to its status.
wait_exit() {
  WAIT_STATUS=0
  wait "$1" || WAIT_STATUS=$?
  return 0
}

# stop_pid PID [SIGNAL]: signal one spawned process and wait for it; sets
# WAIT_STATUS. Used to send SIGTERM to a UA that unregisters on SIGTERM.
# PID is the `timeout` wrapper; the signal goes to its child (the UA)
# directly: signalling `timeout` would deliver it twice (timeout forwards
# it to the child and to its process group), and a second SIGTERM makes
# baresip quit at once without finishing its un-REGISTER.
stop_pid() {
  local child
  child=$(pgrep -P "$1" | head -n 1)
  kill "-${2:-TERM}" "${child:-$1}" 2>/dev/null || true
  wait_exit "$1"
}

# expect_line FILE REGEX TIMEOUT: wait until FILE has a line matching the
# extended REGEX; fail after TIMEOUT seconds (fractions allowed).
expect_line() {
  local file=$1 re=$2 secs=$3
  local deadline
  deadline=$(( $(date +%s%N) + ${secs%.*} * 1000000000 ))
  while :; do
    if [ -f "$file" ] && grep -Eq -- "$re" "$file"; then
      return 0
    fi
    if [ "$(date +%s%N)" -ge "$deadline" ]; then
      log "timed out after ${secs}s waiting for /$re/ in $file"
      return 1
    fi
    sleep 0.05
  done
}

# -------------------------------------------------------------- peers

# start_kamailio [auth]: start kamailio in the foreground mode (-DD -E)
# under the scenario's control, with digest auth when the first argument
# is "auth". Waits until UDP and TCP 5060 and TCP 8080 listen and the ctl
# socket answers. Sets KAM_PID, KAM_CTL.
start_kamailio() {
  local mode=${1:-noauth}
  local run="$SCEN_DIR/kamailio-run"
  mkdir -p "$run" "$SCEN_DIR/sipdump"
  KAM_CTL="unix:$run/ctl"
  local args=(-f "$KAMAILIO_CFG" -DD -E -m 64 -M 8 -Y "$run" -w "$run"
    -A "CTL_SOCKET=\"$KAM_CTL\"" -A "SIPDUMP_DIR=\"$SCEN_DIR/sipdump\"")
  if [ "$mode" = auth ]; then
    args+=(-A WITH_AUTH)
  fi
  spawn kamailio 120 kamailio "${args[@]}"
  KAM_PID=$SPAWNED_PID
  local i
  for i in $(seq 100); do
    if ! kill -0 "$KAM_PID" 2>/dev/null; then
      log "kamailio exited during start"
      return 1
    fi
    if ss -lnu | grep -q "127.0.0.1:$PROXY_PORT " &&
      ss -lnt | grep -q "127.0.0.1:$PROXY_PORT " &&
      ss -lnt | grep -q "127.0.0.1:$PROXY_WS_PORT " &&
      kamcmd -s "$KAM_CTL" core.uptime >/dev/null 2>&1; then
      log "kamailio ready ($mode) after $((i * 50)) ms"
      return 0
    fi
    sleep 0.05
  done
  log "kamailio not ready after 5 s"
  return 1
}

# ul_dump: the registrar's location table (kamcmd ul.dump) on stdout.
ul_dump() {
  kamcmd -s "$KAM_CTL" ul.dump
}

# ul_has AOR_USER [REGEX]: true if the location table has a binding for
# user AOR_USER (and, if given, the dump matches REGEX too).
ul_has() {
  local dump
  dump=$(ul_dump 2>/dev/null) || return 1
  grep -q "AoR: $1\b" <<<"$dump" || return 1
  if [ -n "${2:-}" ]; then
    grep -Eq -- "$2" <<<"$dump" || return 1
  fi
  return 0
}

# wait_ul USER present|absent SECONDS
wait_ul() {
  local user=$1 want=$2 secs=$3 i
  for i in $(seq $((secs * 20))); do
    if ul_has "$user"; then
      [ "$want" = present ] && return 0
    else
      [ "$want" = absent ] && return 0
    fi
    sleep 0.05
  done
  log "location table: $user not $want after ${secs}s"
  ul_dump >>"$SCEN_DIR/ul_dump.txt" 2>&1 || true
  return 1
}

# sipp_cmd NAME SCENARIO LOCAL_PORT TRANSPORT(u1|t1) EXTRA_ARGS...: argv of
# a one-call sipp client/server against the proxy, every trace in $SCEN_DIR.
SIPP_TIMEOUT=10
sipp_args() {
  local name=$1 scen=$2 port=$3 transport=$4
  shift 4
  SIPP_ARGV=(sipp -sf "$SIPP_DIR/$scen" -i 127.0.0.1 -p "$port" -t "$transport"
    -m 1 -nostdin -timeout "$SIPP_TIMEOUT" -timeout_error
    -trace_err -error_file "$SCEN_DIR/$name.errors.log"
    -trace_msg -message_file "$SCEN_DIR/$name.messages.log"
    -trace_logs -log_file "$SCEN_DIR/$name.log"
    "$@")
}

# run_sipp NAME SCENARIO LOCAL_PORT TRANSPORT ARGS... : run one sipp call
# to completion against the proxy; returns sipp's exit status (0: the call
# succeeded).
run_sipp() {
  local name=$1 scen=$2 port=$3 transport=$4
  shift 4
  sipp_args "$name" "$scen" "$port" "$transport" "$@" "$PROXY_IP:$PROXY_PORT"
  spawn "$name" $((SIPP_TIMEOUT + 5)) "${SIPP_ARGV[@]}"
  wait_exit "$SPAWNED_PID"
  log "$name: sipp exit $WAIT_STATUS"
  return "$WAIT_STATUS"
}

# sipp_register NAME USER PASSWORD EXPIRES LOCAL_PORT TRANSPORT [CONTACT_PORT] [noauth]
sipp_register() {
  local name=$1 user=$2 pass=$3 expires=$4 port=$5 transport=$6
  local cport=${7:-$5} mode=${8:-auth}
  if [ "$mode" = noauth ]; then
    run_sipp "$name" register_noauth.xml "$port" "$transport" \
      -s "$user" -key expires "$expires" -key contact_port "$cport"
  else
    run_sipp "$name" register_auth.xml "$port" "$transport" \
      -s "$user" -au "$user" -ap "$pass" -key expires "$expires" -key contact_port "$cport"
  fi
}

# start_sipp_uas NAME SCENARIO PORT [ARGS...]: a sipp server (first step is
# a <recv>) listening on udp 127.0.0.1:PORT for one call. Sets UAS_PID.
start_sipp_uas() {
  local name=$1 scen=$2 port=$3
  shift 3
  sipp_args "$name" "$scen" "$port" u1 "$@"
  spawn "$name" $((SIPP_TIMEOUT + 5)) "${SIPP_ARGV[@]}"
  UAS_PID=$SPAWNED_PID
  local i
  for i in $(seq 100); do
    ss -lnu | grep -q "127.0.0.1:$port " && return 0
    kill -0 "$UAS_PID" 2>/dev/null || break
    sleep 0.05
  done
  log "$name: sipp UAS not listening on $port"
  return 1
}

# start_sipp_bob PORT_REG PORT_UAS: the "second registered UA": a sipp UAS
# answering one MESSAGE on PORT_UAS, registered (with auth when kamailio
# has it; the challenge is answered) as bob with Contact on PORT_UAS.
# Sets BOB_PID (the UAS). Its log line: message from=URI body=TEXT
start_sipp_bob() {
  local reg_port=$1 uas_port=$2 mode=${3:-auth}
  start_sipp_uas bob_uas uas_message.xml "$uas_port" -s bob || return 1
  BOB_PID=$UAS_PID
  sipp_register bob_register bob secret 300 "$reg_port" u1 "$uas_port" "$mode" || return 1
  wait_ul bob present 2
}

# ------------------------------------------------------------- reporting

# dump_logs DIR: the tail of every log of a scenario (printed on failure).
dump_logs() {
  local f
  for f in "$1"/*.out "$1"/*.err "$1"/*.log "$1"/ul_dump.txt; do
    [ -s "$f" ] || continue
    printf '    ----- %s (last 40 lines) -----\n' "${f#"$1"/}"
    tail -n 40 "$f" | sed 's/^/    | /'
  done
}
