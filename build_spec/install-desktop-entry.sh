#!/bin/sh
# Add Attention Lab to your desktop's application menu (this user only, no root).
#
#     ./install-desktop-entry.sh              install, pointing at the attention-lab beside this script
#     ./install-desktop-entry.sh --uninstall  remove the menu entry and the icon again
#
# Move the folder first if you want it elsewhere; run this again after moving it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps="$data/applications"
icons="$data/icons/hicolor"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$apps/attention-lab.desktop" "$icons/scalable/apps/attention-lab.svg" \
          "$icons/256x256/apps/attention-lab.png"
    echo "Removed Attention Lab from the application menu."
    exit 0
fi

if [ ! -x "$here/attention-lab" ]; then
    echo "attention-lab was not found next to this script (in $here)." >&2
    exit 1
fi
mkdir -p "$apps" "$icons/scalable/apps" "$icons/256x256/apps"
cp "$here/share/attention-lab.svg" "$icons/scalable/apps/attention-lab.svg"
cp "$here/share/attention-lab.png" "$icons/256x256/apps/attention-lab.png"
# Exec and TryExec get the full path, escaped as the desktop-entry spec asks: inside a
# quoted Exec argument, \ " ` $ take a backslash, and every backslash is doubled again.
exe=$(printf '%s' "$here/attention-lab" | sed -e 's/[\\"`$]/\\\\&/g')
tryexec=$(printf '%s' "$here/attention-lab" | sed -e 's/\\/\\\\/g')
grep -v -e '^Exec=' -e '^TryExec=' "$here/share/attention-lab.desktop" > "$apps/attention-lab.desktop.tmp"
printf 'Exec="%s"\nTryExec=%s\n' "$exe" "$tryexec" >> "$apps/attention-lab.desktop.tmp"
mv "$apps/attention-lab.desktop.tmp" "$apps/attention-lab.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$icons" 2>/dev/null || true
echo "Attention Lab is now in your application menu ($apps/attention-lab.desktop)."
