#!/usr/bin/env bash
# Installs the real SIP peers the interop suite drives (Debian 12 packages).
# Idempotent: does nothing when every tool is already present.
# Needs root (CI runs as root). Prints the seconds it took.
set -euo pipefail

pkgs=(sip-tester kamailio kamailio-websocket-modules baresip-core iproute2 procps)
apt_opts=(-o DPkg::Lock::Timeout=600 -y -qq --no-install-recommends)
started=$(date +%s)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "interop install: all packages present (${pkgs[*]})"
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "interop install: missing ${missing[*]} and not root; install them first" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Keep kamailio's package from starting a system service on :5060: the
# suite starts its own instance, inside a private network namespace.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

echo "interop install: installing ${missing[*]}"
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get install "${apt_opts[@]}" "${missing[@]}" >/dev/null

# In case a service manager started it anyway (policy-rc.d existed but allowed it).
if command -v systemctl >/dev/null && systemctl is-active --quiet kamailio 2>/dev/null; then
  systemctl disable --now kamailio >/dev/null 2>&1 || true
fi

echo "interop install: done in $(( $(date +%s) - started )) s"
