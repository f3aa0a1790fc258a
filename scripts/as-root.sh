# Sourced by the provisioning scripts: runs a command as root (CI here), or through passwordless
# sudo (GitHub's runners); otherwise says what needs root and exits.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif sudo -n true 2>/dev/null; then sudo -n "$@"
  else echo "needs root for: $*; run as root, or give this user passwordless sudo" >&2; exit 1
  fi
}
