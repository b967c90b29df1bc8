export * from './leads';
export * from './tools';
export * from './deliveries';
