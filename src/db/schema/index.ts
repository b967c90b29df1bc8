export * from './benchmarks';
export * from './bookings';
export * from './deliveries';
export * from './events';
export * from './leads';
export * from './tools';
export * from './webhooks';
export * from './workspaces';
