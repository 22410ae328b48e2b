<?php echo "should not run\n";
