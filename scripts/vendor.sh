#!/usr/bin/env bash
# Copy the front-end packages pinned in package-lock.json into amtstermin/static/vendor/.
# Vendored files are build output: gitignored, never committed. Idempotent: a second run with
# an unchanged lock file and unchanged script does nothing and takes well under a second.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
modules=$root/node_modules
vendor=$root/amtstermin/static/vendor

# The lock file and this script together decide what ends up in vendor/.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp="$lock_sum $(sha256sum "$0" | cut -d' ' -f1)"

if [[ ! -f $modules/.amtstermin-lock || $(cat "$modules/.amtstermin-lock") != "$lock_sum" ]]; then
    echo "vendor: installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_sum" >"$modules/.amtstermin-lock"
fi

if [[ -f $vendor/.stamp && $(cat "$vendor/.stamp") == "$stamp" ]]; then
    exit 0
fi

echo "vendor: copying KERN UX, htmx and ALTCHA into amtstermin/static/vendor/"
# Build aside (in gitignored node_modules/) and swap it in, so a failed copy never leaves half a
# vendor dir behind.
staging=$(mktemp -d "$modules/.vendor-staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT

kern=$modules/@kern-ux/native/dist
mkdir -p "$staging/kern"
cp "$kern/kern.min.css" "$staging/kern/"
cp -R "$kern/fonts" "$staging/kern/fonts"
# Sass sources of the fonts are not served.
find "$staging/kern/fonts" -name '*.scss' -delete

mkdir -p "$staging/htmx"
cp "$modules/htmx.org/dist/htmx.min.js" "$staging/htmx/"

altcha=$modules/altcha/dist
mkdir -p "$staging/altcha/external" "$staging/altcha/workers" "$staging/altcha/i18n"
# external/ plus workers/: the build that runs under our strict Content-Security-Policy (main/
# inlines its styles and starts blob: workers, both refused); templates/citizen/_altcha.html.
cp "$altcha/external/altcha.min.js" "$altcha/external/altcha.css" "$staging/altcha/external/"
cp "$altcha/workers/"*.js "$staging/altcha/workers/"
# The widget's texts in every language it has, so a language added to settings.LANGUAGES
# finds its file (Leichte Sprache uses German's).
cp "$altcha/i18n/"*.js "$staging/altcha/i18n/"

for package in @kern-ux/native htmx.org altcha; do
    version=$(node -p "require('$modules/$package/package.json').version")
    echo "$package $version"
done >"$staging/VERSIONS"
echo "$stamp" >"$staging/.stamp"
chmod 755 "$staging"

rm -rf "$vendor"
mv "$staging" "$vendor"
trap - EXIT
cat "$vendor/VERSIONS"
