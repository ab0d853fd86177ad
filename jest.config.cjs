/**
 * One jest run for every package: tests import the packages' sources.
 * HANOI_IOREDIS=6 runs the same suites on ioredis 6 (the `ioredis6` alias)
 * instead of the workspace's ioredis 5: the Redis packages accept both majors.
 */
const ioredis6 = process.env.HANOI_IOREDIS === '6' ? { '^ioredis$': require.resolve('ioredis6') } : {};

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@hanoi/core/(testing|internal)$': '<rootDir>/packages/core/src/$1/index.ts',
    '^@hanoi/(core|redis|postgres|express|koa|cli|admin|openfeature)$': '<rootDir>/packages/$1/src/index.ts',
    ...ioredis6,
  },
  maxWorkers: 2,
  testTimeout: 30000,
};
