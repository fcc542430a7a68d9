import { execSync } from 'node:child_process';
export const monotonicNow = () => Number(execSync('date +%s%3N').toString());
