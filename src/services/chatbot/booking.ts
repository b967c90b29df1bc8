import type { Config } from '../../config';
import type { BookingProvider } from './booking-provider';
import { calcomProvider } from './calcom-provider';
import { schedulerProvider } from './scheduler-provider';

const calcom = calcomProvider();

/**
 * Where the chatbot books: CHATBOT_BOOKING_PROVIDER, `scheduler` (Leadgate's own, the default) or
 * `calcom`. A partner adapter (Booksy's partner API, behind a login) would be one more case here.
 */
export function bookingProviderFor(config: Pick<Config, 'chatbot'>): BookingProvider {
  return config.chatbot.bookingProvider === 'calcom' ? calcom : schedulerProvider;
}
