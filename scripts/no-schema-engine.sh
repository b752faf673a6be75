#!/bin/sh
echo "The Prisma schema engine binary is not installed: this project drives @prisma/schema-engine-wasm instead (npm run db:new / db:migrate)." >&2
exit 1
