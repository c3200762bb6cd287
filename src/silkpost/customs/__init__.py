"""Customs: declarations of cross-border e-commerce parcels checked, screened and stored;
China customs' CEB messages written, read and checked; 三单对碰; customs receipts; the shipper
blacklist."""
