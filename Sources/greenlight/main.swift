import GreenlightCore
import GreenlightMeter
print("greenlight")
