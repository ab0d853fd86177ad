/** One jest run for every package: tests import the packages' sources. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
  },
  moduleNameMapper: {
    '^@hanoi/(core|redis|express|koa|cli|openfeature)$': '<rootDir>/packages/$1/src/index.ts',
  },
  maxWorkers: 2,
  testTimeout: 30000,
};
