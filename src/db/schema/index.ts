export * from './leads';
export * from './tools';
export * from './deliveries';
export * from './benchmarks';
export * from './webhooks';
export * from './bookings';
export * from './events';
