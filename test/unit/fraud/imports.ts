export * from '../../../lib/fraud';
export { only } from './helpers';
