#!/usr/bin/env sh
# Install AMLRef's desktop integration for the current user (or system-wide with
# PREFIX=/usr/local and root): the .desktop file, the AppStream metainfo, the MIME types for
# .bib, .ris and .nbib, and the icon in every hicolor size.  The `amlref` command itself comes
# from pipx, uv tool, pip or the PyInstaller folder (put it on PATH first).
#   packaging/linux/install-desktop.sh            -> ${XDG_DATA_HOME:-~/.local/share}
#   PREFIX=/usr/local packaging/linux/install-desktop.sh
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
res="$here/resources"
[ -d "$res/linux" ] || res="$here/_resources"          # (inside the PyInstaller folder)
app=io.github.amlref.AMLRef
if [ -n "${PREFIX:-}" ]; then data="$PREFIX/share"; else data="${XDG_DATA_HOME:-$HOME/.local/share}"; fi

install -d "$data/applications" "$data/metainfo" "$data/mime/packages"
install -m 644 "$res/linux/$app.desktop" "$data/applications/$app.desktop"
install -m 644 "$res/linux/$app.metainfo.xml" "$data/metainfo/$app.metainfo.xml"
install -m 644 "$res/linux/$app.mime.xml" "$data/mime/packages/$app.xml"
install -d "$data/icons/hicolor/scalable/apps"
install -m 644 "$res/icons/amlref.svg" "$data/icons/hicolor/scalable/apps/$app.svg"
for png in "$res"/icons/amlref-*.png; do
  n=$(basename "$png" .png); n=${n#amlref-}
  install -d "$data/icons/hicolor/${n}x${n}/apps"
  install -m 644 "$png" "$data/icons/hicolor/${n}x${n}/apps/$app.png"
done

# caches (each tool is optional: desktops rebuild them too)
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database -q "$data/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
echo "installed AMLRef's desktop files into $data"
