# shellcheck shell=bash
# Shared by the scripts in bench/ (source it): what every report starts with.

# bench_describe REPO: the commit measured (marked when tracked files have changes) and the machine,
# with its load average (the VM is shared: figures mean little without it).
bench_describe() {
  local repo="$1" commit
  commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [[ -z "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit="$commit (uncommitted changes)"
  echo "commit: $commit"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
