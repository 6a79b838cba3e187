#!/bin/sh
# Rebuild static/vendor/echarts/echarts.custom.min.js from the pinned packages (package-lock.json).
# Needs Node.js and npm; the output is committed, so neither `make run` nor CI needs them.
set -eu
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
npx esbuild entry.js --bundle --minify --format=iife --target=es2017 --legal-comments=eof \
  --outfile=../../static/vendor/echarts/echarts.custom.min.js
ls -l ../../static/vendor/echarts/echarts.custom.min.js
