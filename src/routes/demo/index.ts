import { createRouter } from '../../http/router';
import { getAvailability } from './availability';
import { bookingPages } from './booking-pages';
import { cancelBooking } from './cancel-booking';
import { createBooking } from './create-booking';
import { rescheduleBooking } from './reschedule-booking';

/** Public: availability, booking, and cancel/reschedule by the signed links in the invite. */
export const demoRouter = createRouter()
  .route('/', getAvailability)
  .route('/', createBooking)
  .route('/', cancelBooking)
  .route('/', rescheduleBooking)
  .route('/', bookingPages);
