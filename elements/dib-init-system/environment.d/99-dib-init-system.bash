# Sourced last: distribution elements may set DIB_INIT_SYSTEM before; tsdib's default is systemd.
export DIB_INIT_SYSTEM=${DIB_INIT_SYSTEM:-systemd}
case "$DIB_INIT_SYSTEM" in
  systemd | sysv | openrc | upstart) ;;
  *)
    echo "dib-init-system: DIB_INIT_SYSTEM=$DIB_INIT_SYSTEM is not one of systemd, sysv, openrc, upstart" >&2
    return 1
    ;;
esac
