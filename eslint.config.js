import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', 'dist/', 'test-results/', 'playwright-report/', 'next-env.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // lib/ is shared by the server and the browser: nothing of either may leak in.
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'localStorage', 'Buffer'],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'react', 'socket.io*', '../server/*', '../components/*'] },
      ],
    },
  },
  {
    // The client library runs unchanged in Node and the browser, and knows nothing of the dashboard or the server.
    files: ['client/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'localStorage', 'Buffer'],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'react', 'zustand*', '**/server/*', '**/components/*', '**/cli/*'] },
      ],
    },
  },
);
