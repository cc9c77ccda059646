#!/usr/bin/env bash
# Test instrument: counts (and drops, so the test itself sends nothing away) every packet for a range that
# is about to leave the host. It sits first in mangle POSTROUTING: after every filter decision, where any
# forwarded or host-made packet passes on its way out of any interface. Service traffic that was DNATed
# carries the endpoint's address there, so a packet that still carries a service-range address would leave.
#   egress-counter.sh add CIDR | count CIDR (prints the packets counted) | remove CIDR (idempotent)
set -euo pipefail
action="$1" cidr="$2"
rule=(POSTROUTING -d "$cidr" -m comment --comment "minikubelet test: service range egress" -j DROP)
case "$action" in
  add) iptables -w -t mangle -C "${rule[@]}" 2>/dev/null || iptables -w -t mangle -I "${rule[@]}" ;;
  count) iptables -w -t mangle -L POSTROUTING -v -n -x | awk '/minikubelet test: service range egress/ {n += $1} END {print n + 0}' ;;
  remove) while iptables -w -t mangle -D "${rule[@]}" 2>/dev/null; do :; done ;;
  *) echo "usage: $0 add|count|remove CIDR" >&2 && exit 2 ;;
esac
