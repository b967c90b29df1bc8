export * from './leads';
export * from './tools';
